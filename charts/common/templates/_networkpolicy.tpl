{{/*
Ingress policy of the serving pods: the http port is open only to the peers in
networkPolicy.ingressFrom (for a subgraph: the gateway's pods) and to
networkPolicy.metricsFrom (the Prometheus scraper). An empty ingressFrom opens
the port to every peer (the gateway behind an ingress controller).
*/}}
{{- define "common.networkpolicy" -}}
{{- $np := .Values.networkPolicy -}}
{{- if $np.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.fullname" . }}
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "common.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
  ingress:
    - ports:
        - port: http
          protocol: TCP
      {{- if $np.ingressFrom }}
      from:
        {{- toYaml $np.ingressFrom | nindent 8 }}
        {{- with $np.metricsFrom }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
{{- end -}}
{{- end -}}

{{/*
Ingress policy of this service's own PostgreSQL (selected by
database.networkPolicy.podSelector): only this service's pods, the server
and the migration Job, may connect.
*/}}
{{- define "common.databaseNetworkpolicy" -}}
{{- $db := .Values.database.networkPolicy -}}
{{- if $db.enabled -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "common.fullname" . }}-database
  labels:
    {{- include "common.labels" . | nindent 4 }}
spec:
  podSelector:
    {{- toYaml $db.podSelector | nindent 4 }}
  policyTypes:
    - Ingress
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ include "common.name" . }}
              app.kubernetes.io/instance: {{ .Release.Name }}
      ports:
        - port: {{ $db.port }}
          protocol: TCP
{{- end -}}
{{- end -}}
