{{/*
Names and labels. Every template in this library takes the app chart's root
context ("."), except common.deployment, which takes a dict (see its file).
*/}}

{{- define "common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* release-chart, or just the chart name when the release is named after it. */}}
{{- define "common.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Stable labels that select the serving pods (never the migration Job's). */}}
{{- define "common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "common.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: server
{{- end -}}

{{- define "common.labels" -}}
helm.sh/chart: {{ include "common.chart" . }}
{{ include "common.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{/* Labels of the migration Job's pod: same name (the database policy admits it), another component. */}}
{{- define "common.migrationLabels" -}}
helm.sh/chart: {{ include "common.chart" . }}
app.kubernetes.io/name: {{ include "common.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: migration
app.kubernetes.io/part-of: platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "common.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "common.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* registry/repository:tag, the tag defaulting to the chart's appVersion. */}}
{{- define "common.image" -}}
{{- $registry := "" -}}
{{- if .Values.global -}}{{- $registry = default "" .Values.global.imageRegistry -}}{{- end -}}
{{- $registry = default $registry .Values.image.registry -}}
{{- $ref := printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) -}}
{{- if $registry -}}{{- printf "%s/%s" $registry $ref -}}{{- else -}}{{- $ref -}}{{- end -}}
{{- end -}}

{{/* The name of the Secret the pods read; it is created outside the chart. */}}
{{- define "common.secretName" -}}
{{- required (printf "%s: set existingSecret to the name of a Secret you created (secrets are never chart values)" .Chart.Name) .Values.existingSecret -}}
{{- end -}}

{{/* env entries that read the existing Secret: one per secretEnv item. */}}
{{- define "common.secretEnv" -}}
{{- $secret := include "common.secretName" . -}}
{{- range .Values.secretEnv }}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ $secret }}
      key: {{ .key }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end }}
{{- end -}}

{{/* The non-secret environment: chart-computed host/port plus the values' config map. */}}
{{- define "common.configData" -}}
{{- $data := dict (printf "%sHOST" .Values.envPrefix) "0.0.0.0" (printf "%sPORT" .Values.envPrefix) (toString .Values.port) -}}
{{- range $k, $v := .Values.config }}
{{- /* Values may be templates (e.g. naming the release); empty ones are left unset, not "". */ -}}
{{- $s := tpl (toString $v) $ -}}
{{- if and (ne $s "") (ne $s "<nil>") }}{{- $_ := set $data $k $s -}}{{- end -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* The hardened container securityContext; values may only tighten it further. */}}
{{- define "common.containerSecurityContext" -}}
{{- toYaml .Values.securityContext -}}
{{- end -}}
