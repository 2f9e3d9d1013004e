import { basicAuthorization, toEngineVariables } from '@otus/common';
import { stackEnv } from './stack-env';

export interface ProcessInstance {
  id: string;
  definitionId: string;
  businessKey: string;
  ended: boolean;
}

export interface HistoricActivity {
  activityId: string;
  activityType: string;
  endTime: string | null;
  canceled: boolean;
}

export interface Incident {
  id: string;
  incidentType: string;
  activityId: string;
  incidentMessage: string | null;
}

export interface ExternalTaskInfo {
  id: string;
  topicName: string;
  activityId: string;
  retries: number | null;
  errorMessage: string | null;
  lockExpirationTime: string | null;
  workerId: string | null;
}

/**
 * The engine's REST API as tests use it: deploy, start, look at runtime and history. As the
 * engine's administrator by default (the stack's CAMUNDA_ADMIN_USER); `as` another account.
 */
export class EngineApi {
  private readonly authorization: string | undefined;

  constructor(
    readonly baseUrl: string,
    credentials: { username: string; password: string } | null = adminCredentials(),
  ) {
    this.authorization = credentials ? basicAuthorization(credentials) : undefined;
  }

  /** The same API as another engine user, or with no credentials (`null`). */
  as(credentials: { username: string; password: string } | null): EngineApi {
    return new EngineApi(this.baseUrl, credentials);
  }

  async request<T>(method: string, path: string, body?: unknown, form?: FormData): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.authorization && { authorization: this.authorization }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: form ?? (body === undefined ? undefined : JSON.stringify(body)),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Deploys BPMN XML; duplicate filtering keeps re-runs from piling up versions. */
  async deploy(name: string, files: Record<string, string>): Promise<void> {
    const form = new FormData();
    form.set('deployment-name', name);
    form.set('enable-duplicate-filtering', 'true');
    for (const [file, xml] of Object.entries(files)) form.set(file, new Blob([xml]), file);
    await this.request('POST', '/deployment/create', undefined, form);
  }

  start(key: string, businessKey: string, variables: Record<string, unknown>): Promise<ProcessInstance> {
    return this.request('POST', `/process-definition/key/${key}/start`, {
      businessKey,
      variables: toEngineVariables(variables),
    });
  }

  activities(processInstanceId: string): Promise<HistoricActivity[]> {
    return this.request(
      'GET',
      `/history/activity-instance?processInstanceId=${processInstanceId}&sortBy=startTime&sortOrder=asc`,
    );
  }

  async variables(processInstanceId: string): Promise<Record<string, unknown>> {
    const rows = await this.request<{ name: string; value: unknown }[]>(
      'GET',
      `/history/variable-instance?processInstanceId=${processInstanceId}`,
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  externalTasks(processInstanceId: string): Promise<ExternalTaskInfo[]> {
    return this.request('GET', `/external-task?processInstanceId=${processInstanceId}`);
  }

  incidents(processInstanceId: string): Promise<Incident[]> {
    return this.request('GET', `/incident?processInstanceId=${processInstanceId}`);
  }

  async historicInstance(processInstanceId: string): Promise<{ state: string; endTime: string | null }> {
    return this.request('GET', `/history/process-instance/${processInstanceId}`);
  }
}

/** The stack's engine administrator (CAMUNDA_ADMIN_USER). */
export function adminCredentials(): { username: string; password: string } {
  const env = stackEnv();
  return { username: env.CAMUNDA_ADMIN_USER!, password: env.CAMUNDA_ADMIN_PASSWORD! };
}
