import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { agents, crmUsers } from '../../db/schema.js';
import type { DispatchContext } from '../../dispatch/context.js';
import { PermanentFailure } from '../../engine/outbox/outbox.js';
import type { FubClient } from './client.js';
import { FUB_SYSTEM_NAME } from './webhook-handler.js';

const usersPage = z.looseObject({
  users: z.array(z.looseObject({ id: z.number().int(), email: z.string().nullish() })),
});

/**
 * The FUB user id of an agent, by the email dispatch.yml gives them: asked of FUB once
 * (`GET /users?email=`), then kept in `crm_users` so a busy morning costs one lookup per agent.
 */
export async function fubUserIdOf(ctx: DispatchContext, client: FubClient, agentId: string): Promise<number> {
  const agent = ctx.db.select({ email: agents.email }).from(agents).where(eq(agents.id, agentId)).get();
  const email = agent?.email?.trim().toLowerCase();
  if (!email)
    throw new PermanentFailure(
      `agent ${agentId} has no email in dispatch.yml to find them in Follow Up Boss`,
    );
  const cached = ctx.db
    .select({ userId: crmUsers.userId })
    .from(crmUsers)
    .where(and(eq(crmUsers.system, FUB_SYSTEM_NAME), eq(crmUsers.email, email)))
    .get();
  if (cached) return cached.userId;
  const page = usersPage.safeParse(await client.get(`users?email=${encodeURIComponent(email)}`));
  if (!page.success) throw new PermanentFailure('Follow Up Boss sent users of an unexpected shape');
  // Only the exact address: FUB's search may answer with near matches, and assigning a lead to
  // someone else's FUB user is worse than telling the leaders none was found.
  const user = page.data.users.find((u) => u.email?.trim().toLowerCase() === email);
  if (!user)
    throw new PermanentFailure(`no Follow Up Boss user has the email dispatch.yml gives agent ${agentId}`);
  ctx.db
    .insert(crmUsers)
    .values({ system: FUB_SYSTEM_NAME, email, userId: user.id, fetchedAt: ctx.clock.now() })
    .onConflictDoUpdate({
      target: [crmUsers.system, crmUsers.email],
      set: { userId: user.id, fetchedAt: ctx.clock.now() },
    })
    .run();
  return user.id;
}
