import type { RuleConfig } from '../config/dispatch-schema.js';
import { normalizeSource } from './classify.js';
import { withinAnyHours } from './weekly-hours.js';

export interface RoutableTask {
  type: string;
  source: string;
  zip: string | null;
  city: string | null;
  /** Normalised language name ("spanish"). */
  language: string | null;
  price: number | null;
  tags: string[];
  referringAgent: string | null;
}

export function ruleMatches(rule: RuleConfig, task: RoutableTask, now: Date, zone: string): boolean {
  const m = rule.match;
  if (m.type && !m.type.includes(task.type)) return false;
  if (m.source && !m.source.some((s) => normalizeSource(s) === normalizeSource(task.source))) return false;
  if (m.zip && (task.zip === null || !m.zip.includes(task.zip))) return false;
  if (m.city && !m.city.some((c) => c.toLowerCase() === task.city?.trim().toLowerCase())) return false;
  if (m.language && (task.language === null || !m.language.includes(task.language))) return false;
  if (m.price) {
    if (task.price === null) return false;
    if (m.price.min !== undefined && task.price < m.price.min) return false;
    if (m.price.max !== undefined && task.price > m.price.max) return false;
  }
  if (m.tags) {
    const tags = new Set(task.tags.map((t) => t.toLowerCase()));
    if (!m.tags.some((t) => tags.has(t.toLowerCase()))) return false;
  }
  if (m.when && !withinAnyHours(m.when, now, zone)) return false;
  return true;
}
