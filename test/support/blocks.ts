// Promoted to src/slack-emulator/ (shared with `lead-dispatch demo`); tests keep importing it from here.
export * from '../../src/slack-emulator/blocks.js';
