import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '../config/env';
import { DomainError } from '../errors/domain-error';
import { SERVICE_NAME } from '../http/service-info.module';
import { engineAuthHeaders } from './engine-credentials';
import { toEngineVariables } from './engine-variables';

export interface HistoricProcess {
  id: string;
  state: 'ACTIVE' | 'COMPLETED' | 'EXTERNALLY_TERMINATED' | 'INTERNALLY_TERMINATED' | 'SUSPENDED';
  endTime: string | null;
}

/**
 * What services ask of the engine besides their worker's tasks: start a process, correlate
 * a message, look a process up by business key. Unreachable engine → 503 ENGINE_UNAVAILABLE,
 * so callers (the CRM) retry.
 */
@Injectable()
export class EngineClient {
  private readonly logger = new Logger(EngineClient.name);
  private readonly baseUrl: string;
  private readonly authHeaders: Record<string, string>;

  constructor(config: ConfigService<BaseEnv, true>, @Inject(SERVICE_NAME) service: string) {
    this.baseUrl = config.get('CAMUNDA_REST_URL', { infer: true });
    this.authHeaders = engineAuthHeaders(config, service);
  }

  async start(processKey: string, businessKey: string, variables: Record<string, unknown>): Promise<{ id: string }> {
    return this.request('POST', `/process-definition/key/${encodeURIComponent(processKey)}/start`, {
      businessKey,
      variables: toEngineVariables(variables),
    });
  }

  /**
   * Delivers a message to the process waiting for it. `not-waiting` when no execution of the
   * process waits for this message now (too early, or the process moved on / ended).
   */
  async correlate(
    messageName: string,
    businessKey: string,
    variables: Record<string, unknown> = {},
  ): Promise<'correlated' | 'not-waiting'> {
    try {
      await this.request('POST', '/message', {
        messageName,
        businessKey,
        processVariables: toEngineVariables(variables),
        resultEnabled: true,
      });
      return 'correlated';
    } catch (e) {
      if (e instanceof EngineRejection && /No process definition or execution matches|MismatchingMessageCorrelation/i.test(e.message)) {
        return 'not-waiting';
      }
      throw e;
    }
  }

  /** The newest process instance with this business key, running or finished. */
  async findByBusinessKey(processKey: string, businessKey: string): Promise<HistoricProcess | null> {
    const found = await this.request<HistoricProcess[]>(
      'GET',
      `/history/process-instance?processDefinitionKey=${encodeURIComponent(processKey)}&processInstanceBusinessKey=${encodeURIComponent(businessKey)}&sortBy=startTime&sortOrder=desc&maxResults=1`,
    );
    return found[0] ?? null;
  }

  /** Values of the named variables of a process instance (from history: also after it ended). */
  async variables(processInstanceId: string, names: string[]): Promise<Record<string, unknown>> {
    const rows = await this.request<{ name: string; value: unknown }[]>(
      'GET',
      `/history/variable-instance?processInstanceId=${encodeURIComponent(processInstanceId)}&variableNameIn=${names.map(encodeURIComponent).join(',')}`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  /** Whether an execution of the process waits in the given activity right now. */
  async isWaitingAt(processInstanceId: string, activityId: string): Promise<boolean> {
    const { count } = await this.request<{ count: number }>(
      'GET',
      `/execution/count?processInstanceId=${encodeURIComponent(processInstanceId)}&activityId=${encodeURIComponent(activityId)}`,
    );
    return count > 0;
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { ...this.authHeaders, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (e) {
      this.logger.warn({ err: (e as Error).message, path }, 'engine unreachable');
      throw new DomainError('ENGINE_UNAVAILABLE', 'The process engine is not reachable; try again shortly', {
        status: 503,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      const message = (safeJson(text) as { message?: string } | undefined)?.message ?? text;
      throw new EngineRejection(response.status, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

/** The engine answered with an error (as opposed to being unreachable). */
export class EngineRejection extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'EngineRejection';
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
