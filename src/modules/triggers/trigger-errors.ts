import { DomainError } from '../../core/errors';

/** Also the answer to an unknown or malformed secret: a caller learns nothing about which triggers exist. */
export const triggerNotFound = (id?: string) =>
  new DomainError('trigger/not_found', id ? `trigger '${id}' was not found` : 'trigger not found');

/** 409 rather than 403: the URL is right, the trigger's state refuses (PATCH enabled: true undoes it). */
export const triggerDisabled = () =>
  new DomainError('trigger/disabled', 'this trigger is disabled; enable it (PATCH enabled: true) to use it again');
