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

{{/* ENGINE_CLUSTER_RELAY from engine.clusterRelay; a bare YAML on/off arrives as true/false. */}}
{{- define "otus.clusterRelay" -}}
{{- $v := .Values.engine.clusterRelay -}}
{{- if kindIs "bool" $v -}}{{- ternary "on" "off" $v -}}{{- else -}}{{- $v -}}{{- end -}}
{{- end -}}

{{/* Where the contract service finds the school's seal (PKCS#12), mounted from the Secret. */}}
{{- define "otus.sealDir" -}}/var/run/secrets/otus-seal{{- end -}}
{{- define "otus.sealFile" -}}seal.p12{{- end -}}
{{/* Key of the PKCS#12 file (binary) in the Secret. */}}
{{- define "otus.sealSecretKey" -}}contract-seal.p12{{- end -}}

{{/*
Environment of each service: plain values from the ConfigMap, secrets from the Secret, by the
names of its zod schema (services/<name>/src/config.ts, packages/common/src/config/env.ts).
Called with (dict "root" $ "name" <service>).
*/}}
{{- define "otus.serviceConfigKeys" -}}
{{- $name := .name -}}
{{- $keys := list "NODE_ENV" "HTTP_HOST" "LOG_LEVEL" "CAMUNDA_REST_URL" "AUTH_JWKS_URL" (printf "%s_METRICS_PORT" (upper $name)) -}}
{{- if eq $name "user" -}}{{- $keys = concat $keys (list "USER_PORT" "USER_COOKIE_SECURE") -}}
{{- else if eq $name "contract" -}}{{- $keys = concat $keys (list "CONTRACT_PORT" "NOTIFICATION_INTERNAL_URL" "USER_INTERNAL_URL" "PROMO_INTERNAL_URL" "CONTRACT_PRIVACY_POLICY_URL" "CONTRACT_PRIVACY_POLICY_VERSION" "CONTRACT_RETENTION_WITHOUT_CONTRACT" "CONTRACT_RETENTION_CONCLUDED" "CRM_WEBHOOK_ALLOWED_HOSTS" "WEBHOOK_ALLOWED_ADDRESSES" "CONTRACT_SEAL_P12_FILE") -}}
{{- /* Only when set: an empty CONTRACT_SEAL_TSA_URL is not a URL and fails the config. */ -}}
{{- if .root.Values.contract.sealTsaUrl -}}{{- $keys = append $keys "CONTRACT_SEAL_TSA_URL" -}}{{- end -}}
{{- else if eq $name "course" -}}{{- $keys = concat $keys (list "COURSE_PORT") -}}
{{- else if eq $name "promo" -}}{{- $keys = concat $keys (list "PROMO_PORT") -}}
{{- else if eq $name "notification" -}}{{- $keys = concat $keys (list "NOTIFICATION_PORT" "NOTIFICATION_MAIL_FROM" "CLIENT_BASE_URL" "CONTRACT_INTERNAL_URL" "COURSE_INTERNAL_URL" "CRM_WEBHOOK_ALLOWED_HOSTS" "WEBHOOK_ALLOWED_ADDRESSES") -}}
{{- end -}}
{{- toJson $keys -}}
{{- end -}}

{{- define "otus.serviceSecretKeys" -}}
{{- $keys := list "INTERNAL_API_TOKEN" (printf "%s_ENGINE_PASSWORD" (upper .)) -}}
{{- if eq . "user" -}}{{- $keys = concat $keys (list "USER_DB_URL" "USER_ADMIN_EMAIL" "USER_ADMIN_PASSWORD" "USER_KEY_SEAL_KEYS" "CLIENT_LINK_SEAL_KEYS") -}}
{{- else if eq . "contract" -}}{{- $keys = concat $keys (list "CONTRACT_MONGO_URL" "CONTRACT_PERSONAL_DATA_KEYS" "CONTRACT_SIGNING_CODE_SECRET" "CONTRACT_SEAL_P12_PASSPHRASE") -}}
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
