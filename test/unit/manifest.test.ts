// Validates manifest.yml against Slack's app manifest JSON schema.
// The schema in test/fixtures/slack-manifest-schema.json is vendored from the public repository
// slackapi/manifest-schema, path schemas/manifest.schema.1.0.0.json (commit 19557f58d932d71155ce85c581dc7c72637abe1c),
// which that repo's root manifest.schema.json selects for _metadata.major_version 1. No npm package ships it.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type SchemaObject, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface LeadDispatchManifest {
  _metadata?: { major_version?: number; minor_version?: number };
  display_information: { name: string; description?: string; background_color?: string };
  features?: {
    app_home?: {
      home_tab_enabled?: boolean;
      messages_tab_enabled?: boolean;
      messages_tab_read_only_enabled?: boolean;
    };
    bot_user?: { display_name: string; always_online?: boolean };
  };
  oauth_config?: { scopes?: { bot?: string[] } };
  settings?: {
    interactivity?: { is_enabled: boolean; request_url?: string };
    socket_mode_enabled?: boolean;
    org_deploy_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

const manifestText = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');
const schemaText = readFileSync(new URL('../fixtures/slack-manifest-schema.json', import.meta.url), 'utf8');

// The schema declares draft-07, Ajv's default draft.
function compileManifestValidator(): ValidateFunction<LeadDispatchManifest> {
  // strictTypes is off because the upstream schema puts `minItems` on string items (external_auth_providers
  // oauth2 `scope.items`), which strict mode rejects; every other strict check stays on.
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false });
  // The upstream schema uses two non-standard keywords: `_note` (a comment) and `regex` (meant as `pattern` on
  // display_information.background_color). Register both as annotation-only so strict mode accepts the schema;
  // `regex` therefore checks nothing, so a test below checks the background colour itself.
  ajv.addVocabulary(['_note', 'regex']);
  // Only used for the optional top-level `$schema` key.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  return ajv.compile<LeadDispatchManifest>(JSON.parse(schemaText) as SchemaObject);
}

const validate = compileManifestValidator();

function loadManifest(): unknown {
  return parse(manifestText);
}

function errorsOf(candidate: unknown): ErrorObject[] {
  return validate(candidate) ? [] : (validate.errors ?? []);
}

function validManifest(): LeadDispatchManifest {
  const manifest = loadManifest();
  if (!validate(manifest)) {
    throw new Error(`manifest.yml is invalid: ${JSON.stringify(validate.errors, null, 2)}`);
  }
  return manifest;
}

describe('manifest.yml', () => {
  it('validates against the Slack app manifest schema with zero errors', () => {
    expect(errorsOf(loadManifest())).toEqual([]);
  });

  it('uses manifest major version 1, the version the vendored schema covers', () => {
    expect(validManifest()._metadata).toEqual({ major_version: 1, minor_version: 1 });
  });

  it('declares the bot scopes the app uses', () => {
    const scopes = validManifest().oauth_config?.scopes?.bot ?? [];
    // Only what the code needs: posting in channels and DMs, commands, reading profiles and DND, and
    // reading back our own recent posts when Slack's answer to one was lost, and uploading the digest's chart.
    expect(scopes).toEqual([
      'chat:write',
      'chat:write.public',
      'im:write',
      'commands',
      'users:read',
      'users.profile:read',
      'dnd:read',
      'im:history',
      'channels:history',
      'groups:history',
      'files:write',
    ]);
  });

  it('enables interactivity on the Bolt HTTP endpoint and keeps Socket Mode off', () => {
    const { settings } = validManifest();
    expect(settings?.interactivity?.is_enabled).toBe(true);
    expect(settings?.interactivity?.request_url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(settings?.socket_mode_enabled).toBe(false);
  });

  it('keeps the App Home messages tab on so DMs to agents do not fail with messages_tab_disabled', () => {
    const { features } = validManifest();
    expect(features?.app_home?.messages_tab_enabled).toBe(true);
    expect(features?.bot_user).toEqual({ display_name: 'lead-dispatch', always_online: true });
  });

  it('uses a #rgb or #rrggbb background colour (the schema states this only as a non-standard `regex`)', () => {
    expect(validManifest().display_information.background_color).toMatch(
      /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/,
    );
  });
});

describe('manifest schema check', () => {
  it('rejects an unknown key', () => {
    const manifest = { ...validManifest(), slash_commands: [{ command: '/leads', description: 'x' }] };
    expect(errorsOf(manifest)).toContainEqual(
      expect.objectContaining({
        keyword: 'additionalProperties',
        params: { additionalProperty: 'slash_commands' },
      }),
    );
  });

  it('rejects an unknown key nested in settings', () => {
    const base = validManifest();
    const manifest = { ...base, settings: { ...base.settings, socket_mode: true } };
    expect(errorsOf(manifest)).toContainEqual(
      expect.objectContaining({ instancePath: '/settings', keyword: 'additionalProperties' }),
    );
  });

  it('rejects an app name longer than 35 characters', () => {
    const base = validManifest();
    const manifest = { ...base, display_information: { ...base.display_information, name: 'L'.repeat(36) } };
    expect(errorsOf(manifest)).toContainEqual(
      expect.objectContaining({ instancePath: '/display_information/name', keyword: 'maxLength' }),
    );
  });

  it('rejects interactivity without is_enabled', () => {
    const base = validManifest();
    const manifest = {
      ...base,
      settings: { ...base.settings, interactivity: { request_url: 'https://example.com/slack/events' } },
    };
    expect(errorsOf(manifest)).toContainEqual(
      expect.objectContaining({ instancePath: '/settings/interactivity', keyword: 'required' }),
    );
  });
});
