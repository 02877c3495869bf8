/**
 * Finds each of our lead fields in whatever shape a sender posts: the source's own `fields:`
 * mapping first, then common names (`phoneNumber`, `cell_phone_1`, `email_address`, `leadId`,
 * a `contact {}` inside the body, FUB-style `phones[{value, isPrimary}]`). Pure: values come
 * back as sent, for lead-fields.ts to read.
 */
import type { LeadField } from '../config/source-schema.js';
import { isRecord, readPath } from '../core/field-path.js';
import { fieldKey, isBlank } from '../core/lead-fields.js';

export type RawLead = Partial<Record<LeadField, unknown>>;

/** Common names for each field, compared by fieldKey (no case, no punctuation). Ours come first. */
const COMMON: Record<LeadField, string[]> = {
  source: ['source', 'leadsource', 'sourcename'],
  externalId: ['externalid', 'leadid', 'id', 'recordid', 'contactid', 'personid', 'uid'],
  type: ['type', 'leadtype', 'dealtype', 'inquirytype'],
  name: ['name', 'fullname', 'contactname', 'leadname', 'customername', 'yourname'],
  firstName: ['firstname', 'first', 'fname', 'givenname'],
  lastName: ['lastname', 'last', 'lname', 'surname', 'familyname'],
  email: ['email', 'emailaddress', 'emails', 'primaryemail', 'email1', 'mail', 'youremail'],
  phone: [
    'phone',
    'phonenumber',
    'phones',
    'cellphone',
    'cellphone1',
    'mobile',
    'mobilephone',
    'mobilenumber',
    'cell',
    'cellnumber',
    'primaryphone',
    'phone1',
    'telephone',
    'tel',
    'homephone',
    'workphone',
  ],
  zip: ['zip', 'zipcode', 'postalcode', 'postcode'],
  address: ['address', 'fulladdress', 'propertyaddress', 'addresses'],
  street: ['street', 'streetaddress', 'address1', 'addressline1'],
  city: ['city'],
  state: ['state'],
  price: ['price', 'listprice', 'budget', 'maxprice', 'pricerange', 'pricemax'],
  message: ['message', 'comments', 'comment', 'notes', 'note', 'inquiry', 'question', 'details'],
  tags: ['tags', 'tag', 'labels'],
  language: ['language', 'preferredlanguage', 'lang'],
  referringAgent: ['referringagent', 'referredby', 'referringagentemail'],
  receivedAt: ['receivedat', 'createdat', 'created', 'submittedat', 'datecreated', 'timestamp'],
};

/**
 * Whether intake reads a body field of this name as one of the lead's (`e-mail`, `Phone`, `id`):
 * such a field can never be a form's honeypot, or real leads would be dropped as bots.
 */
export function isCommonFieldName(name: string): boolean {
  const key = fieldKey(name);
  return Object.values(COMMON).some((names) => names.includes(key)) || PERSON.includes(key);
}

/** Where a sender nests the person or the property; looked in after the top level. */
const PERSON = ['contact', 'person', 'lead', 'customer'];
const PROPERTY = ['property', 'listing'];
const PROPERTY_FIELDS: ReadonlySet<LeadField> = new Set([
  'address',
  'street',
  'city',
  'state',
  'zip',
  'price',
]);

/** Fields that are one value: a list sent for one (two phone inputs, `phones[]`) gives its first. */
const LISTS: ReadonlySet<LeadField> = new Set(['tags']);
/** Fields a CRM sends as `{ value, type, isPrimary }` entries. */
const UNWRAPPED: ReadonlySet<LeadField> = new Set(['phone', 'email']);

export function recogniseFields(
  body: Record<string, unknown>,
  mapping: Partial<Record<LeadField, string>>,
): RawLead {
  const raw: RawLead = {};
  const containers = (field: LeadField): Record<string, unknown>[] => {
    const nested = [...PERSON, ...(PROPERTY_FIELDS.has(field) ? PROPERTY : [])];
    return [body, ...nested.map((k) => body[k]).filter(isRecord)];
  };
  const indexes = new Map<Record<string, unknown>, Map<string, unknown>>();
  const indexOf = (object: Record<string, unknown>) => {
    let index = indexes.get(object);
    if (!index) {
      index = new Map();
      // The first spelling wins when a body has two (`phone` and `Phone`).
      for (const [k, v] of Object.entries(object)) if (!index.has(fieldKey(k))) index.set(fieldKey(k), v);
      indexes.set(object, index);
    }
    return index;
  };
  for (const field of Object.keys(COMMON) as LeadField[]) {
    const path = mapping[field];
    let value = path === undefined ? undefined : readPath(body, path);
    if (isBlank(value)) {
      value = undefined;
      for (const object of containers(field)) {
        const index = indexOf(object);
        value = COMMON[field].map((name) => index.get(name)).find((v) => !isBlank(v));
        if (value !== undefined) break;
      }
    }
    if (value !== undefined)
      raw[field] = LISTS.has(field) ? value : single(value, UNWRAPPED.has(field), field);
  }
  return raw;
}

/**
 * One value from a list: the primary entry of a list of records (`phones[{value, isPrimary}]`),
 * else the first. A list of plain values (a form field sent twice) is kept as a list for a phone
 * or email (read-lead uses the first and flags the others) and for an address (flagged: which
 * line is the street?); any other is joined, so no text is dropped.
 */
function single(value: unknown, unwrapped: boolean, field: LeadField): unknown {
  if (!Array.isArray(value)) return unwrapped ? unwrap(value) : value;
  const records = value.filter(isRecord);
  if (records.length > 0) {
    const one = records.find((v) => v.isPrimary === true || v.primary === true) ?? records[0];
    return unwrapped ? unwrap(one) : one;
  }
  const plain = value.filter((v) => !isBlank(v) && typeof v !== 'object');
  if (unwrapped) return plain.length > 1 ? plain : plain[0];
  if (field === 'address') return plain.length > 1 ? plain : plain[0];
  return plain.length > 0 ? plain.map(String).join(', ') : undefined;
}

function unwrap(value: unknown): unknown {
  if (!isRecord(value)) return value;
  for (const key of ['value', 'number', 'phone', 'email']) if (!isBlank(value[key])) return value[key];
  return value;
}
