{{/* Names: <release>-<component>, cut to 63 characters. */}}
{{- define "otus.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 50 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 50 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "otus.name" -}}
{{- printf "%s-%s" (include "otus.fullname" .root) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "otus.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "otus.labels" -}}
{{ include "otus.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: otus-contract
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Labels of every pod of the release (network policies). */}}
{{- define "otus.releaseSelector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "otus.image" -}}
{{- $img := .root.Values.image -}}
{{- $tag := $img.tag | default .root.Chart.AppVersion -}}
{{- if $img.registry -}}
{{- printf "%s/%s/%s:%s" $img.registry $img.repository .component $tag -}}
{{- else -}}
{{- printf "%s/%s:%s" $img.repository .component $tag -}}
{{- end -}}
{{- end -}}

{{- define "otus.secretName" -}}
{{- .Values.secrets.existingSecret | default (printf "%s-secrets" (include "otus.fullname" .)) -}}
{{- end -}}

{{- define "otus.configName" -}}
{{- printf "%s-config" (include "otus.fullname" .) -}}
{{- end -}}

{{- define "otus.host" -}}
{{- .Values.ingress.host | default (urlParse .Values.publicUrl).host -}}
{{- end -}}

{{/* In-cluster base URL of a component: http://<name>:<port> */}}
{{- define "otus.url" -}}
{{- $port := ternary .root.Values.engine.port (get (get .root.Values.services .component | default dict) "port") (eq .component "engine") -}}
{{- printf "http://%s:%v" (include "otus.name" .) $port -}}
{{- end -}}

{{/*
Environment of each service: plain values from the ConfigMap, secrets from the Secret, by the
names of its zod schema (services/<name>/src/config.ts, packages/common/src/config/env.ts).
*/}}
{{- define "otus.serviceConfigKeys" -}}
{{- $keys := list "NODE_ENV" "HTTP_HOST" "LOG_LEVEL" "CAMUNDA_REST_URL" "AUTH_JWKS_URL" -}}
{{- if eq . "user" -}}{{- $keys = concat $keys (list "USER_PORT" "USER_COOKIE_SECURE") -}}
{{- else if eq . "contract" -}}{{- $keys = concat $keys (list "CONTRACT_PORT" "NOTIFICATION_INTERNAL_URL" "CRM_WEBHOOK_ALLOWED_HOSTS") -}}
{{- else if eq . "course" -}}{{- $keys = concat $keys (list "COURSE_PORT") -}}
{{- else if eq . "promo" -}}{{- $keys = concat $keys (list "PROMO_PORT") -}}
{{- else if eq . "notification" -}}{{- $keys = concat $keys (list "NOTIFICATION_PORT" "NOTIFICATION_MAIL_FROM" "CLIENT_BASE_URL" "CONTRACT_INTERNAL_URL" "CRM_WEBHOOK_ALLOWED_HOSTS") -}}
{{- end -}}
{{- toJson $keys -}}
{{- end -}}

{{- define "otus.serviceSecretKeys" -}}
{{- $keys := list "INTERNAL_API_TOKEN" -}}
{{- if eq . "user" -}}{{- $keys = concat $keys (list "USER_DB_URL" "USER_ADMIN_EMAIL" "USER_ADMIN_PASSWORD" "USER_KEY_SEAL_KEYS" "CLIENT_LINK_SEAL_KEYS") -}}
{{- else if eq . "contract" -}}{{- $keys = concat $keys (list "CONTRACT_MONGO_URL" "CONTRACT_PERSONAL_DATA_KEYS" "CONTRACT_SIGNING_CODE_SECRET") -}}
{{- else if eq . "course" -}}{{- $keys = concat $keys (list "COURSE_DB_URL") -}}
{{- else if eq . "promo" -}}{{- $keys = concat $keys (list "PROMO_DB_URL") -}}
{{- else if eq . "notification" -}}{{- $keys = concat $keys (list "NOTIFICATION_DB_URL" "NOTIFICATION_SMTP_URL" "CLIENT_LINK_SEAL_KEYS" "NOTIFICATION_SECRET_SEAL_KEYS") -}}
{{- end -}}
{{- toJson $keys -}}
{{- end -}}

{{- define "otus.podSecurity" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
