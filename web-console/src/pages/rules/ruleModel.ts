import type { EvaluationRule, RuleTurn, StoredFilter } from '../../api/types';
import { compactFilter } from '../../filters/filter';

/** The rule form's state: what the inputs hold (numbers as typed). */
export interface RuleDraft {
  name: string;
  enabled: boolean;
  filter: StoredFilter;
  /** 0 to 100, fractions allowed; empty = the API's default (100). */
  sampling_percent: string;
  turn: RuleTurn;
  /** Seconds, 1 to 604,800; only for turn `last`; empty = the API's default (300). */
  last_delay_seconds: string;
}

/** A new rule's form: enabled, every trace, 100 %, every revision. */
export const EMPTY_RULE: RuleDraft = {
  name: '',
  enabled: true,
  filter: {},
  sampling_percent: '100',
  turn: 'every',
  last_delay_seconds: '300',
};

/** The form of an existing rule. */
export function ruleDraft(rule: EvaluationRule): RuleDraft {
  return {
    name: rule.name,
    enabled: rule.enabled,
    filter: rule.filter ?? {},
    sampling_percent: String(rule.sampling_percent),
    turn: rule.turn,
    last_delay_seconds: rule.last_delay_seconds === null ? '300' : String(rule.last_delay_seconds),
  };
}

/** A number as typed: the number when it is one, else the text (the API then names the field). */
export function typedNumber(text: string): number | string {
  const trimmed = text.trim();
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : trimmed;
}

/**
 * The body of `POST`/`PUT /api/v1/evaluation-rules`: every field (PUT replaces the whole rule),
 * the filter without empty values, `last_delay_seconds` only with turn `last`.
 */
export function ruleBody(draft: RuleDraft): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: draft.name.trim(),
    enabled: draft.enabled,
    filter: compactFilter(draft.filter),
    turn: draft.turn,
  };
  if (draft.sampling_percent.trim() !== '') body.sampling_percent = typedNumber(draft.sampling_percent);
  if (draft.turn === 'last' && draft.last_delay_seconds.trim() !== '') {
    body.last_delay_seconds = typedNumber(draft.last_delay_seconds);
  }
  return body;
}

/** `300 s`, `5 min`, `2 h`: a delay in seconds in words. */
export function formatDelay(seconds: number | null): string {
  if (seconds === null) return '–';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}
