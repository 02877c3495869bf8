/**
 * The ready leads of the demo page's "send a lead" panel, written for the example team in
 * dispatch.example.yml. Each send is a new lead from a new person (a fresh id, name and phone), except
 * "the same person again", which is the last Zillow buyer arriving from another source.
 */
export interface DemoExample {
  id: string;
  label: string;
  /** What to look for once it is sent. */
  hint: string;
  /** The clock moves to the next weekday evening first. */
  afterHours?: boolean;
}

export const EXAMPLES: DemoExample[] = [
  {
    id: 'zillow',
    label: 'Zillow buyer lead in 78701',
    hint: 'Dana or Priya (they know 78701) gets a DM with Claim and Pass',
  },
  {
    id: 'web-form',
    label: 'Web-form seller lead',
    hint: 'Sam or Ivy gets it; the team leader is the backup',
  },
  { id: 'referral', label: 'Referral for Marco', hint: 'Marco, the referring agent, gets it' },
  { id: 'vendor', label: 'Inspection to schedule', hint: 'Tom, the transaction coordinator, gets it' },
  {
    id: 'milestone',
    label: 'Contract milestone',
    hint: 'Tom owns it; the listing agent and the team leader are told',
  },
  {
    id: 'after-hours',
    label: 'Zillow lead after hours',
    hint: 'moves the clock to 9:30 PM first (what is pending lapses on the way): the on-duty agent gets it',
    afterHours: true,
  },
  {
    id: 'same-person',
    label: 'The same person again (Realtor.com)',
    hint: 'a note on the first lead, not a second offer (the Zillow lead is sent first if there is none yet)',
  },
];

const FIRST = ['Jane', 'Luis', 'Mei', 'Omar', 'Grace', 'Tariq', 'Elena', 'Noah', 'Aisha', 'Ben'];
const LAST = ['Buyer', 'Moreno', 'Lin', 'Haddad', 'Park', 'Said', 'Petrova', 'Fields', 'Khan', 'Ortiz'];

export interface Person {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
}

/** The n-th demo person: a distinct name, email and phone (the 555-01xx range is for fiction). */
export function person(n: number): Person {
  const firstName = FIRST[n % FIRST.length] ?? 'Jane';
  const lastName = LAST[Math.floor(n / FIRST.length) % LAST.length] ?? 'Buyer';
  const email = `${firstName}.${lastName}.${n}@example.com`.toLowerCase();
  return { firstName, lastName, email, phone: `(512) 555-${String(100 + (n % 900)).padStart(4, '0')}` };
}

/** The body POSTed to /leads for example `id`; `n` numbers the send, `lastZillow` is who "again" repeats. */
export function exampleLead(id: string, n: number, lastZillow: Person): Record<string, unknown> | undefined {
  const who = person(n);
  const externalId = `demo-${n}`;
  switch (id) {
    case 'zillow':
    case 'after-hours':
      return {
        source: 'zillow',
        externalId,
        ...who,
        address: { street: '12 Elm St', city: 'Austin', state: 'TX', zip: '78701' },
        price: 450000,
        message: 'Can I see it Saturday? 3 bedrooms & a yard, please.',
      };
    case 'web-form':
      return {
        source: 'web_form',
        externalId,
        ...who,
        address: '88 Lakeview Dr, West Lake Hills, TX 78746',
        price: '$1.2M',
        message: 'Thinking of selling in the spring. What is my house worth?',
      };
    case 'referral':
      return {
        source: 'past_client',
        externalId,
        ...who,
        referringAgent: 'marco@lakeside.example',
        message: 'Marco sold my sister her condo; she said to call him.',
      };
    case 'vendor':
      return {
        source: 'inspection',
        externalId,
        firstName: 'Travis',
        lastName: 'County Inspections',
        phone: '(512) 555-0199',
        address: { street: '400 Oak Ave', city: 'Austin', state: 'TX', zip: '78704' },
        message: 'Inspection for 400 Oak Ave: pick a slot Thursday or Friday.',
      };
    case 'milestone':
      return {
        source: 'dotloop',
        externalId,
        firstName: 'Closing',
        lastName: '400 Oak Ave',
        referringAgent: 'sam@lakeside.example',
        tags: ['offer_received'],
        message: 'Offer received on 400 Oak Ave: review and counter by 5 PM.',
      };
    case 'same-person':
      return {
        source: 'realtor.com',
        externalId,
        ...lastZillow,
        address: { street: '9 Pine Ct', city: 'Austin', state: 'TX', zip: '78701' },
        message: 'Also interested in 9 Pine Ct.',
      };
    default:
      return undefined;
  }
}
