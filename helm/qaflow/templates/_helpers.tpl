{{/*
The five services. key: their block in values.yaml; module: the Maven module, image and component name; port: the
HTTP port the service listens on (its server.port); consumer: the group and topic KEDA scales a worker on (the
services' default group ids).
*/}}
{{- define "qaflow.components" -}}
gateway:
  module: gateway
  port: 8080
  workload: Deployment
embedderWorker:
  module: embedder-worker
  port: 8091
  workload: Deployment
  consumer:
    group: qa-embedder
    topic: qa.requests.v1
answerWorker:
  module: answer-worker
  port: 8092
  workload: Deployment
  consumer:
    group: qa-answer-worker
    topic: qa.contexts.v1
metricsAggregator:
  module: metrics-aggregator
  port: 8082
  workload: StatefulSet
experimentController:
  module: experiment-controller
  port: 8081
  workload: Deployment
{{- end }}

{{/* Chart name, truncated to 63 characters (DNS label). */}}
{{- define "qaflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full name: the release name when it contains the chart name, else <release>-<chart>; truncated for the component
suffixes (the longest, "-experiment-controller", has 22 characters).
*/}}
{{- define "qaflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "qaflow.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every resource of the release. */}}
{{- define "qaflow.labels" -}}
helm.sh/chart: {{ include "qaflow.chart" . }}
app.kubernetes.io/name: {{ include "qaflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: qaflow
{{- end }}

{{/* Selector labels of the whole release (network policies, the ServiceMonitor). */}}
{{- define "qaflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "qaflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Name of a component's resources. Context: dict root, module. */}}
{{- define "qaflow.componentName" -}}
{{- printf "%s-%s" (include "qaflow.fullname" .root) .module }}
{{- end }}

{{/* Labels of a component's resources. Context: dict root, module. */}}
{{- define "qaflow.componentLabels" -}}
{{ include "qaflow.labels" .root }}
app.kubernetes.io/component: {{ .module }}
{{- end }}

{{/* Selector labels of a component's pods. Context: dict root, module. */}}
{{- define "qaflow.componentSelectorLabels" -}}
{{ include "qaflow.selectorLabels" .root }}
app.kubernetes.io/component: {{ .module }}
{{- end }}

{{- define "qaflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "qaflow.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image of a component: [registry/]prefix/module:tag. Context: dict root, module. */}}
{{- define "qaflow.image" -}}
{{- $image := .root.Values.image }}
{{- $repository := printf "%s/%s" $image.repositoryPrefix .module }}
{{- if $image.registry }}
{{- $repository = printf "%s/%s" (trimSuffix "/" $image.registry) $repository }}
{{- end }}
{{- printf "%s:%s" $repository (default .root.Chart.AppVersion $image.tag) }}
{{- end }}

{{/*
Settings every service gets (the "common" ConfigMap), as environment variable: value. Only settings the services
read: the deployment module's tests check each name against the configuration metadata in the services' jars.
*/}}
{{- define "qaflow.commonEnv" -}}
{{- $v := .Values }}
SPRING_KAFKA_BOOTSTRAP_SERVERS: {{ $v.kafka.bootstrapServers | quote }}
QAFLOW_KAFKA_TOPICS_PROVISION: {{ $v.kafka.topics.provision | quote }}
QAFLOW_KAFKA_TOPICS_PARTITIONS: {{ $v.kafka.topics.partitions | quote }}
QAFLOW_KAFKA_TOPICS_REPLICATION_FACTOR: {{ $v.kafka.topics.replicationFactor | quote }}
QAFLOW_KAFKA_TOPICS_MIN_INSYNC_REPLICAS: {{ $v.kafka.topics.minInsyncReplicas | quote }}
{{- if ne $v.kafka.securityProtocol "PLAINTEXT" }}
SPRING_KAFKA_SECURITY_PROTOCOL: {{ $v.kafka.securityProtocol | quote }}
{{- end }}
{{- if hasPrefix "SASL_" $v.kafka.securityProtocol }}
SPRING_KAFKA_PROPERTIES_SASL_MECHANISM: {{ $v.kafka.sasl.mechanism | quote }}
{{- end }}
{{- if or $v.kafka.tls.caSecret.name $v.kafka.tls.clientSecret.name }}
SPRING_KAFKA_SSL_TRUST_STORE_TYPE: PEM
{{- end }}
{{- if $v.kafka.tls.clientSecret.name }}
SPRING_KAFKA_SSL_KEY_STORE_TYPE: PEM
{{- end }}
{{- if $v.tracing.otlpEndpoint }}
MANAGEMENT_OPENTELEMETRY_TRACING_EXPORT_OTLP_ENDPOINT: {{ $v.tracing.otlpEndpoint | quote }}
{{- end }}
{{- if ne $v.logging.format "plain" }}
LOGGING_STRUCTURED_FORMAT_CONSOLE: {{ $v.logging.format | quote }}
{{- end }}
{{- if $v.metrics.httpHistograms }}
{{- /* dashes dropped, not underscores: …_PERCENTILES_HISTOGRAM_… would also bind into the `percentiles` map and fail the start */}}
MANAGEMENT_METRICS_DISTRIBUTION_PERCENTILESHISTOGRAM_HTTP_SERVER_REQUESTS: "true"
{{- end }}
{{- range $name, $value := $v.env }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Settings of one service (its own ConfigMap). Context: dict root, key, module. */}}
{{- define "qaflow.serviceEnv" -}}
{{- $root := .root }}
{{- $v := $root.Values }}
{{- $svc := index $v .key }}
{{- $needsRedis := has .key (list "gateway" "embedderWorker" "answerWorker") }}
{{- if $needsRedis }}
QAFLOW_REDIS_ENABLED: {{ $v.redis.enabled | quote }}
{{- if and $v.redis.enabled (not $v.redis.urlSecret.name) }}
QAFLOW_REDIS_URL: {{ $v.redis.url | quote }}
{{- end }}
{{- end }}
{{- if eq .key "answerWorker" }}
QAFLOW_ANSWER_LLM_BASE_URL: {{ $v.llm.baseUrl | quote }}
QAFLOW_ANSWER_LLM_MODEL: {{ $v.llm.model | quote }}
{{- end }}
{{- if eq .key "metricsAggregator" }}
QAFLOW_AGGREGATOR_STREAMS_STATE_DIR: /var/lib/qaflow/aggregator
{{- end }}
{{- if eq .key "experimentController" }}
QAFLOW_EXPERIMENT_CONTROLLER_AGGREGATOR_URL: {{ printf "http://%s:8082" (include "qaflow.componentName" (dict "root" $root "module" "metrics-aggregator")) | quote }}
{{- end }}
{{- if eq .key "gateway" }}
{{- range $i, $key := $svc.access.keys }}
QAFLOW_GATEWAY_ACCESS_KEYS_{{ $i }}_ID: {{ $key.id | quote }}
QAFLOW_GATEWAY_ACCESS_KEYS_{{ $i }}_SHA256: {{ $key.sha256 | quote }}
{{- if $key.requestsPerMinute }}
QAFLOW_GATEWAY_ACCESS_KEYS_{{ $i }}_REQUESTS_PER_MINUTE: {{ $key.requestsPerMinute | quote }}
{{- end }}
{{- if $key.burst }}
QAFLOW_GATEWAY_ACCESS_KEYS_{{ $i }}_BURST: {{ $key.burst | quote }}
{{- end }}
{{- if $key.scopes }}
QAFLOW_GATEWAY_ACCESS_KEYS_{{ $i }}_SCOPES: {{ join "," $key.scopes | quote }}
{{- end }}
{{- end }}
{{- end }}
{{- if $svc.javaOptions }}
JAVA_TOOL_OPTIONS: {{ $svc.javaOptions | quote }}
{{- end }}
{{- range $name, $value := $svc.env }}
{{ $name }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}

{{/* Pod-level environment that comes from Secrets or the pod itself. Context: dict root, key. */}}
{{- define "qaflow.secretEnv" -}}
{{- $v := .root.Values }}
{{- if $v.kafka.tls.caSecret.name }}
- name: SPRING_KAFKA_SSL_TRUST_STORE_CERTIFICATES
  valueFrom:
    secretKeyRef: {name: {{ $v.kafka.tls.caSecret.name | quote }}, key: {{ $v.kafka.tls.caSecret.key | quote }}}
{{- end }}
{{- if $v.kafka.tls.clientSecret.name }}
- name: SPRING_KAFKA_SSL_KEY_STORE_CERTIFICATE_CHAIN
  valueFrom:
    secretKeyRef: {name: {{ $v.kafka.tls.clientSecret.name | quote }}, key: {{ $v.kafka.tls.clientSecret.certificateKey | quote }}}
- name: SPRING_KAFKA_SSL_KEY_STORE_KEY
  valueFrom:
    secretKeyRef: {name: {{ $v.kafka.tls.clientSecret.name | quote }}, key: {{ $v.kafka.tls.clientSecret.privateKeyKey | quote }}}
{{- end }}
{{- if and (hasPrefix "SASL_" $v.kafka.securityProtocol) $v.kafka.sasl.jaasConfigSecret.name }}
- name: SPRING_KAFKA_PROPERTIES_SASL_JAAS_CONFIG
  valueFrom:
    secretKeyRef: {name: {{ $v.kafka.sasl.jaasConfigSecret.name | quote }}, key: {{ $v.kafka.sasl.jaasConfigSecret.key | quote }}}
{{- end }}
{{- if and (has .key (list "gateway" "embedderWorker" "answerWorker")) $v.redis.enabled $v.redis.urlSecret.name }}
- name: QAFLOW_REDIS_URL
  valueFrom:
    secretKeyRef: {name: {{ $v.redis.urlSecret.name | quote }}, key: {{ $v.redis.urlSecret.key | quote }}}
{{- end }}
{{- if and (eq .key "answerWorker") $v.llm.apiKeySecret.name }}
- name: QAFLOW_ANSWER_LLM_API_KEY
  valueFrom:
    secretKeyRef: {name: {{ $v.llm.apiKeySecret.name | quote }}, key: {{ $v.llm.apiKeySecret.key | quote }}}
{{- end }}
{{- if eq .key "gateway" }}
- name: QAFLOW_GATEWAY_INSTANCE_ID
  valueFrom:
    fieldRef: {fieldPath: metadata.name}
{{- end }}
{{- if eq .key "metricsAggregator" }}
- name: QAFLOW_AGGREGATOR_STREAMS_ADVERTISED_HOST
  valueFrom:
    fieldRef: {fieldPath: status.podIP}
{{- end }}
{{- end }}

{{/* checksum/config of a component: its settings and the shared ones. Context: dict root, key, module. */}}
{{- define "qaflow.configChecksum" -}}
{{- print (include "qaflow.commonEnv" .root) (include "qaflow.serviceEnv" .) | sha256sum }}
{{- end }}

{{/* The number of replicas KEDA may scale a worker to: maxReplicas, or the partition count; never above it. */}}
{{- define "qaflow.kedaMaxReplicas" -}}
{{- $partitions := int .root.Values.kafka.topics.partitions }}
{{- $max := int .keda.maxReplicas }}
{{- if eq $max 0 }}{{ $max = $partitions }}{{ end }}
{{- if gt $max $partitions }}
{{- fail (printf "%s.keda.maxReplicas (%d) exceeds kafka.topics.partitions (%d): consumers beyond the partition count sit idle" .key $max $partitions) }}
{{- end }}
{{- if gt (int .keda.minReplicas) $max }}
{{- fail (printf "%s.keda.minReplicas (%d) exceeds its maximum (%d)" .key (int .keda.minReplicas) $max) }}
{{- end }}
{{- $max }}
{{- end }}
