import type { DispatchConfig } from './dispatch-schema.js';

export type EnvLookup = (name: string) => string | undefined;

/** The shortest per-source secret intake takes, as for INTAKE_TOKEN. */
export const MIN_SECRET_LENGTH = 16;

/** Why a source's secret cannot be used, or undefined when it can. */
export function secretProblem(variable: string, value: string | undefined): string | undefined {
  if (value === undefined || value === '') return `${variable} is not set`;
  if (value.length < MIN_SECRET_LENGTH)
    return `${variable} is shorter than ${MIN_SECRET_LENGTH} characters (use \`openssl rand -hex 24\`)`;
  return undefined;
}

/**
 * A source whose secret variable is unset (or too short) refuses its own secret (only
 * INTAKE_TOKEN gets in): worth saying before the first lead is lost to a 401 in someone's Zapier history.
 */
export function sourceSecretWarnings(
  config: DispatchConfig,
  env: EnvLookup,
): Array<{ path: (string | number)[]; message: string }> {
  return Object.entries(config.source_settings).flatMap(([name, s]) => {
    if (s.secret_env === undefined) return [];
    const problem = secretProblem(s.secret_env, env(s.secret_env));
    if (!problem) return [];
    return [
      {
        path: ['sources', name, 'secret_env'],
        message: `${problem}, so POST /leads/${encodeURIComponent(name)} takes only INTAKE_TOKEN${s.secret_in_path ? ' and a secret in its path is refused' : ''} until it is`,
      },
    ];
  });
}

/**
 * A webhook whose secret variable is unset cannot sign, so its deliveries fail and are retried
 * (and parked after a day) until it is set: said at check-config, not found in the dead letter.
 */
export function webhookSecretWarnings(
  config: DispatchConfig,
  env: EnvLookup,
): Array<{ path: (string | number)[]; message: string }> {
  return config.webhooks.flatMap((hook, i) => {
    const problem = secretProblem(hook.secret_env, env(hook.secret_env));
    if (!problem) return [];
    return [
      {
        path: ['webhooks', i, 'secret_env'],
        message: `${problem}, so webhook ${hook.name} cannot sign its deliveries; they wait and are retried until it is`,
      },
    ];
  });
}
