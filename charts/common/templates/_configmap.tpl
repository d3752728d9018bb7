{{/* Non-secret settings as environment variables (envFrom). Secrets never go here. */}}
{{- define "common.configmap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "common.fullname" . }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
data:
  {{- include "common.configData" . | nindent 2 }}
{{- end -}}
