{{/*
The database migration (alembic upgrade head) as a pre-install,pre-upgrade hook:
it runs before the new pods, and a failed migration fails the release.
Hooks run before the chart's ConfigMap and ServiceAccount exist, so the Job
carries its environment inline and uses no ServiceAccount token.
*/}}
{{- define "common.migrationJob" -}}
{{- $m := .Values.migration -}}
{{- if $m.enabled -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "common.fullname" . }}-migrate
  labels:
    {{- include "common.migrationLabels" . | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $m.backoffLimit }}
  activeDeadlineSeconds: {{ $m.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: 86400
  template:
    metadata:
      labels:
        {{- include "common.migrationLabels" . | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml .Values.podSecurityContext | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "common.image" . | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          command:
            {{- toYaml $m.command | nindent 12 }}
          env:
            {{- range $k, $v := (include "common.configData" . | fromYaml) }}
            - name: {{ $k }}
              value: {{ $v | quote }}
            {{- end }}
            {{- include "common.secretEnv" . | trim | nindent 12 }}
          resources:
            {{- toYaml $m.resources | nindent 12 }}
          securityContext:
            {{- include "common.containerSecurityContext" . | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
{{- end -}}
{{- end -}}
