{{/* Subgraph name -> URL as JSON (URLs may be templates naming the release). */}}
{{- define "gateway.subgraphURLs" -}}
{{- $out := dict -}}
{{- range $name, $url := .Values.supergraph.subgraphURLs -}}
{{- $_ := set $out $name (tpl $url $) -}}
{{- end -}}
{{- toJson $out -}}
{{- end -}}

{{- define "gateway.supergraphConfigMap" -}}
{{- printf "%s-supergraph" (include "common.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
