// Slack ids of the team in dispatch.example.yml, which most tests run against.
export const DANA = 'U0DANA001'; // buyer agent, 78701-78703, weight 2
export const MARCO = 'U0MARCO01'; // buyer agent, 78704 and 78745
export const PRIYA = 'U0PRIYA01'; // buyer agent, 78701 and 78746
export const SAM = 'U0SAM0001'; // listing agent
export const IVY = 'U0IVY0001'; // ISA
export const TOM = 'U0TOM0001'; // transaction coordinator
export const ALMA = 'U0ALMA001'; // admin
export const LEE = 'U0LEE0001'; // team leader
export const ROB = 'U0OLD0001'; // inactive

/** Everyone in the example config, as the Slack double knows them: in the team's zone unless a test says otherwise. */
export const TEAM = [DANA, MARCO, PRIYA, SAM, IVY, TOM, ALMA, LEE, ROB];
