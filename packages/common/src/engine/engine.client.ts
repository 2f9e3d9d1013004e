import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { BaseEnv } from '../config/env';
import { InternalHttpClient, UpstreamError } from '../http/internal-http.client';
import { SERVICE_NAME } from '../http/service-info.module';
import { engineAuthHeaders } from './engine-credentials';
import { toEngineVariables } from './engine-variables';
import { commonErrors } from '../errors/error-codes';

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
  private readonly http: InternalHttpClient;

  constructor(config: ConfigService<BaseEnv, true>, @Inject(SERVICE_NAME) service: string) {
    this.http = new InternalHttpClient({
      name: 'engine',
      baseUrl: config.get('CAMUNDA_REST_URL', { infer: true }),
      headers: engineAuthHeaders(config, service),
      timeoutMs: 10_000,
    });
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
    /** Only a process whose variables have these values takes it (e.g. `{ closing: false }`). */
    correlationKeys?: Record<string, unknown>,
  ): Promise<'correlated' | 'not-waiting'> {
    try {
      await this.request('POST', '/message', {
        messageName,
        businessKey,
        processVariables: toEngineVariables(variables),
        ...(correlationKeys && { correlationKeys: toEngineVariables(correlationKeys) }),
        resultEnabled: true,
      });
      return 'correlated';
    } catch (e) {
      if (e instanceof UpstreamError && /No process definition or execution matches|MismatchingMessageCorrelation/i.test(e.message)) {
        return 'not-waiting';
      }
      throw e;
    }
  }

  /**
   * Delivers a message to every execution waiting for it in processes whose variables match
   * `correlationKeys` (e.g. every running application of a course); how many took it.
   */
  async correlateAll(
    messageName: string,
    correlationKeys: Record<string, unknown>,
    variables: Record<string, unknown> = {},
  ): Promise<number> {
    const results = await this.request<unknown[]>('POST', '/message', {
      messageName,
      all: true,
      correlationKeys: toEngineVariables(correlationKeys),
      processVariables: toEngineVariables(variables),
      resultEnabled: true,
    });
    return results.length;
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

  /**
   * Deletes an ended process instance's history (variables, activities, incidents, job logs):
   * what erasure of an application's personal data asks of the engine. A history already gone is
   * no error.
   */
  async deleteHistory(processInstanceId: string): Promise<void> {
    try {
      await this.request('DELETE', `/history/process-instance/${encodeURIComponent(processInstanceId)}`);
    } catch (e) {
      if (e instanceof UpstreamError && e.status === 404) return;
      throw e;
    }
  }

  /** Whether the process instance catches the named message right now (has a subscription to it). */
  async catchesMessage(processInstanceId: string, messageName: string): Promise<boolean> {
    const { count } = await this.request<{ count: number }>(
      'GET',
      `/event-subscription/count?processInstanceId=${encodeURIComponent(processInstanceId)}&eventType=message&eventName=${encodeURIComponent(messageName)}`,
    );
    return count > 0;
  }

  /** Unreachable → 503 ENGINE_UNAVAILABLE; an error answer → UpstreamError with the engine's status and message. */
  private async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    try {
      return (await this.http.request<T>({ method, path, body })).data;
    } catch (e) {
      if (!(e instanceof UpstreamError && e.unreachable)) throw e;
      this.logger.warn({ err: e.message, path }, 'engine unreachable');
      throw commonErrors.ENGINE_UNAVAILABLE('The process engine is not reachable; try again shortly');
    }
  }
}
