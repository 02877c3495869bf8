import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FubClient, FubNotFound } from '../../src/crm/fub/client.js';
import { PermanentFailure, RetryLater } from '../../src/engine/outbox/outbox.js';
import { FUB_API_KEY, FUB_SYSTEM, FUB_SYSTEM_KEY, FubDouble } from '../support/fub-double.js';

let fub: FubDouble;
beforeAll(async () => {
  fub = await FubDouble.start();
});
afterAll(() => fub.stop());

const client = (over: Partial<{ apiKey: string; systemKey: string }> = {}, timeoutMs?: number) =>
  new FubClient(
    { apiKey: FUB_API_KEY, system: FUB_SYSTEM, systemKey: FUB_SYSTEM_KEY, baseUrl: fub.apiUrl, ...over },
    timeoutMs,
  );

describe("the Follow Up Boss double, through the app's client", () => {
  it("refuses a wrong API key or system key with 401 and FUB's error body; the client calls it permanent", async () => {
    const raw = await fetch(`${fub.apiUrl}people/1`);
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      errorMessage: 'Invalid API key or missing X-System / X-System-Key headers.',
    });
    await expect(client({ apiKey: 'fka_wrong_key_000' }).get('users')).rejects.toThrow(PermanentFailure);
    await expect(client({ systemKey: 'wrong-system-key' }).get('users')).rejects.toThrow(
      'Follow Up Boss refused GET users with 401',
    );
  });

  it("answers people, users by email and collections in FUB's shapes", async () => {
    const person = fub.addPerson({ firstName: 'Ada', source: 'Zillow' });
    fub.addUser({ id: 9, name: 'Dana Reyes', email: 'dana@lakeside.example' });
    expect(await client().get(`people/${person.id}`)).toMatchObject({
      id: person.id,
      stage: 'Lead',
      tags: [],
    });
    expect(await client().get('users?email=DANA%40lakeside.example')).toEqual({
      _metadata: { collection: 'users', offset: 0, limit: 100, total: 1 },
      users: [{ id: 9, name: 'Dana Reyes', email: 'dana@lakeside.example' }],
    });
    await expect(client().get('people/999999')).rejects.toThrow(FubNotFound);
  });

  it("answers 429 with Retry-After and 5xx when told to, and slowly past the client's timeout", async () => {
    fub.fail({ path: 'users', status: 429, retryAfter: 7 });
    const limited = await client()
      .get('users')
      .catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RetryLater);
    expect((limited as RetryLater).retryAfterSeconds).toBe(7);
    fub.fail({ path: 'users', status: 503 });
    await expect(client().get('users')).rejects.toThrow('Follow Up Boss answered 503 to GET users');
    fub.delayMs = 300;
    try {
      await expect(client({}, 100).get('users')).rejects.toThrow(
        'Follow Up Boss did not answer GET users within 0.1 s',
      );
    } finally {
      fub.delayMs = 0;
    }
  });
});
