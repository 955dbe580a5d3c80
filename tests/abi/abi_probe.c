/* Exposes every type of the SDK's C ABI through one exported function, so that abidiff can
 * compare the layouts against tests/abi/baseline/mvne_sdk_abi.xml. */
#include <mvne/plugin.h>

MVNE_PLUGIN_EXPORT void mvne_abi_probe(mvne_host_api* host, mvne_plugin_descriptor* descriptor,
                                       mvne_http_request* request, mvne_route_spec* route,
                                       mvne_job_spec* job, mvne_spool_spec* spool,
                                       mvne_datagram_spec* datagram, mvne_record_kind_spec* kind,
                                       mvne_field_spec* field, mvne_value* value,
                                       mvne_record* record, mvne_filter* filter, mvne_query* query,
                                       mvne_plugin_entry_fn entry) {
  (void)host;
  (void)descriptor;
  (void)request;
  (void)route;
  (void)job;
  (void)spool;
  (void)datagram;
  (void)kind;
  (void)field;
  (void)value;
  (void)record;
  (void)filter;
  (void)query;
  (void)entry;
}
