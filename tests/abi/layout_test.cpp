// Pins the size and every field offset of the v1 structs (x86-64 / LP64). A change here is
// an ABI break: fields may only be appended, with a minor version bump. Fields added in 1.1,
// 1.2 and 1.3 are pinned after the 1.0 ones, which keep their offsets.
#include <mvne/plugin.h>

#include <gtest/gtest.h>

#include <cstddef>

namespace {

#define EXPECT_FIELD(type, field, offset) EXPECT_EQ(offsetof(type, field), size_t{offset}) << #field

TEST(AbiLayout, VersionIsOnePointFive) {
  EXPECT_EQ(MVNE_ABI_MAJOR, 1);
  EXPECT_EQ(MVNE_ABI_MINOR, 5);
  EXPECT_STREQ(MVNE_PLUGIN_ENTRY_SYMBOL, "mvne_plugin_entry");
}

TEST(AbiLayout, StatusCodesAreFixed) {
  EXPECT_EQ(MVNE_OK, 0);
  EXPECT_EQ(MVNE_ERR_INVALID_ARGUMENT, 1);
  EXPECT_EQ(MVNE_ERR_NOT_FOUND, 2);
  EXPECT_EQ(MVNE_ERR_PERMISSION_DENIED, 3);
  EXPECT_EQ(MVNE_ERR_STALE_CONTEXT, 4);
  EXPECT_EQ(MVNE_ERR_WRONG_PHASE, 5);
  EXPECT_EQ(MVNE_ERR_UNAVAILABLE, 6);
  EXPECT_EQ(MVNE_ERR_EGRESS_BLOCKED, 7);
  EXPECT_EQ(MVNE_ERR_INTERNAL, 8);
  EXPECT_EQ(MVNE_ROUTE_PUBLIC, 0);
  EXPECT_EQ(MVNE_ROUTE_TENANT, 1);
  EXPECT_EQ(MVNE_ROUTE_CONSUMER, 2);
}

TEST(AbiLayout, BasicTypes) {
  EXPECT_EQ(sizeof(mvne_str), 16u);
  EXPECT_FIELD(mvne_str, data, 0);
  EXPECT_FIELD(mvne_str, len, 8);
  EXPECT_EQ(sizeof(mvne_status), 4u);
}

TEST(AbiLayout, PluginDescriptor) {
  EXPECT_EQ(sizeof(mvne_plugin_descriptor), 88u);
  EXPECT_FIELD(mvne_plugin_descriptor, struct_size, 0);
  EXPECT_FIELD(mvne_plugin_descriptor, abi_major, 4);
  EXPECT_FIELD(mvne_plugin_descriptor, abi_minor, 6);
  EXPECT_FIELD(mvne_plugin_descriptor, name, 8);
  EXPECT_FIELD(mvne_plugin_descriptor, version, 24);
  EXPECT_FIELD(mvne_plugin_descriptor, on_start, 40);
  EXPECT_FIELD(mvne_plugin_descriptor, on_stop, 48);
  EXPECT_FIELD(mvne_plugin_descriptor, reads, 56);  // 1.3
  EXPECT_FIELD(mvne_plugin_descriptor, read_count, 64);
  EXPECT_FIELD(mvne_plugin_descriptor, config_keys, 72);
  EXPECT_FIELD(mvne_plugin_descriptor, config_key_count, 80);
}

TEST(AbiLayout, MetricSpecSince13) {
  EXPECT_EQ(sizeof(mvne_metric_spec), 80u);
  EXPECT_FIELD(mvne_metric_spec, struct_size, 0);
  EXPECT_FIELD(mvne_metric_spec, name, 8);
  EXPECT_FIELD(mvne_metric_spec, help, 24);
  EXPECT_FIELD(mvne_metric_spec, type, 40);
  EXPECT_FIELD(mvne_metric_spec, label_names, 48);
  EXPECT_FIELD(mvne_metric_spec, label_count, 56);
  EXPECT_FIELD(mvne_metric_spec, buckets, 64);
  EXPECT_FIELD(mvne_metric_spec, bucket_count, 72);
  EXPECT_EQ(MVNE_METRIC_COUNTER, 1);
  EXPECT_EQ(MVNE_METRIC_HISTOGRAM, 2);
}

TEST(AbiLayout, ConfigKeySince13) {
  EXPECT_EQ(sizeof(mvne_config_key), 56u);
  EXPECT_FIELD(mvne_config_key, name, 0);
  EXPECT_FIELD(mvne_config_key, type, 16);
  EXPECT_FIELD(mvne_config_key, flags, 20);
  EXPECT_FIELD(mvne_config_key, default_value, 24);
  EXPECT_FIELD(mvne_config_key, help, 40);
  EXPECT_EQ(MVNE_CONFIG_TEXT, 1);
  EXPECT_EQ(MVNE_CONFIG_INT, 2);
  EXPECT_EQ(MVNE_CONFIG_BOOL, 3);
  EXPECT_EQ(MVNE_CONFIG_REQUIRED, 1u);
  EXPECT_EQ(MVNE_CONFIG_SECRET, 2u);
}

TEST(AbiLayout, HostApi) {
  EXPECT_EQ(sizeof(mvne_host_api), 8u + 33u * 8u);
  EXPECT_FIELD(mvne_host_api, struct_size, 0);
  EXPECT_FIELD(mvne_host_api, abi_major, 4);
  EXPECT_FIELD(mvne_host_api, abi_minor, 6);
  EXPECT_FIELD(mvne_host_api, set_error, 8);
  EXPECT_FIELD(mvne_host_api, log, 16);
  EXPECT_FIELD(mvne_host_api, config_get, 24);
  EXPECT_FIELD(mvne_host_api, register_route, 32);
  EXPECT_FIELD(mvne_host_api, register_job, 40);
  EXPECT_FIELD(mvne_host_api, register_spool, 48);
  EXPECT_FIELD(mvne_host_api, register_datagram_listener, 56);
  EXPECT_FIELD(mvne_host_api, declare_record_kind, 64);
  EXPECT_FIELD(mvne_host_api, request_header, 72);
  EXPECT_FIELD(mvne_host_api, request_query_param, 80);
  EXPECT_FIELD(mvne_host_api, response_set_status, 88);
  EXPECT_FIELD(mvne_host_api, response_set_header, 96);
  EXPECT_FIELD(mvne_host_api, response_write, 104);
  EXPECT_FIELD(mvne_host_api, datagram_reply, 112);
  EXPECT_FIELD(mvne_host_api, submit_records, 120);
  EXPECT_FIELD(mvne_host_api, query_open, 128);
  EXPECT_FIELD(mvne_host_api, cursor_next, 136);
  EXPECT_FIELD(mvne_host_api, cursor_token, 144);
  EXPECT_FIELD(mvne_host_api, cursor_close, 152);
  EXPECT_FIELD(mvne_host_api, kv_get, 160);
  EXPECT_FIELD(mvne_host_api, kv_put, 168);
  // 1.1
  EXPECT_FIELD(mvne_host_api, quarantine_line, 176);
  EXPECT_FIELD(mvne_host_api, register_export, 184);
  EXPECT_FIELD(mvne_host_api, export_write, 192);
  EXPECT_FIELD(mvne_host_api, local_period, 200);
  // 1.2
  EXPECT_FIELD(mvne_host_api, context_share, 208);
  // 1.3
  EXPECT_FIELD(mvne_host_api, data_balance, 216);
  EXPECT_FIELD(mvne_host_api, log_enabled, 224);
  EXPECT_FIELD(mvne_host_api, normalize_identifier, 232);
  EXPECT_FIELD(mvne_host_api, register_metric, 240);
  EXPECT_FIELD(mvne_host_api, metric_record, 248);
  EXPECT_FIELD(mvne_host_api, mail_send, 256);
  EXPECT_FIELD(mvne_host_api, mail_state, 264);
}

TEST(AbiLayout, MailMessageSince14) {
  EXPECT_EQ(sizeof(mvne_mail_address), 32u);
  EXPECT_FIELD(mvne_mail_address, name, 0);
  EXPECT_FIELD(mvne_mail_address, email, 16);
  EXPECT_EQ(sizeof(mvne_mail_message), 216u);
  EXPECT_FIELD(mvne_mail_message, struct_size, 0);
  EXPECT_FIELD(mvne_mail_message, from, 8);
  EXPECT_FIELD(mvne_mail_message, reply_to, 40);
  EXPECT_FIELD(mvne_mail_message, to, 72);
  EXPECT_FIELD(mvne_mail_message, to_count, 80);
  EXPECT_FIELD(mvne_mail_message, cc, 88);
  EXPECT_FIELD(mvne_mail_message, cc_count, 96);
  EXPECT_FIELD(mvne_mail_message, bcc, 104);
  EXPECT_FIELD(mvne_mail_message, bcc_count, 112);
  EXPECT_FIELD(mvne_mail_message, subject, 120);
  EXPECT_FIELD(mvne_mail_message, text, 136);
  EXPECT_FIELD(mvne_mail_message, html, 152);
  EXPECT_FIELD(mvne_mail_message, purpose, 168);
  EXPECT_FIELD(mvne_mail_message, template_name, 184);  // 1.5
  EXPECT_FIELD(mvne_mail_message, template_values, 200);
  EXPECT_FIELD(mvne_mail_message, template_value_count, 208);
}

TEST(AbiLayout, DataBalanceAndQuotaRoleSince13) {
  EXPECT_EQ(sizeof(mvne_data_balance), 80u);
  EXPECT_FIELD(mvne_data_balance, struct_size, 0);
  EXPECT_FIELD(mvne_data_balance, quota_bytes, 8);
  EXPECT_FIELD(mvne_data_balance, carried_over_bytes, 16);
  EXPECT_FIELD(mvne_data_balance, used_bytes, 24);
  EXPECT_FIELD(mvne_data_balance, left_bytes, 32);
  EXPECT_FIELD(mvne_data_balance, from_us, 40);
  EXPECT_FIELD(mvne_data_balance, to_us, 48);
  EXPECT_FIELD(mvne_data_balance, as_of_us, 56);
  EXPECT_FIELD(mvne_data_balance, month, 64);
  EXPECT_EQ(MVNE_ROLE_QUOTA_BYTES, 1u << 9);
}

TEST(AbiLayout, ExportSpecAndRatingSince11) {
  EXPECT_EQ(sizeof(mvne_export_spec), 88u);
  EXPECT_FIELD(mvne_export_spec, struct_size, 0);
  EXPECT_FIELD(mvne_export_spec, name, 8);
  EXPECT_FIELD(mvne_export_spec, kind, 24);
  EXPECT_FIELD(mvne_export_spec, extension, 40);
  EXPECT_FIELD(mvne_export_spec, schedule_key, 56);
  EXPECT_FIELD(mvne_export_spec, handler, 72);
  EXPECT_FIELD(mvne_export_spec, export_data, 80);
  EXPECT_EQ(MVNE_ROLE_RATED_UNITS, 1u << 6);
  EXPECT_EQ(MVNE_ROLE_RATING_CLASS, 1u << 7);
  EXPECT_EQ(MVNE_ROLE_CHARGE, 1u << 8);
  EXPECT_EQ(MVNE_RATING_NONE, 0);
  EXPECT_EQ(MVNE_RATING_VOICE, 1);
  EXPECT_EQ(MVNE_RATING_SMS, 2);
}

TEST(AbiLayout, HttpTypes) {
  EXPECT_EQ(sizeof(mvne_http_request), 88u);
  EXPECT_FIELD(mvne_http_request, struct_size, 0);
  EXPECT_FIELD(mvne_http_request, method, 8);
  EXPECT_FIELD(mvne_http_request, path, 24);
  EXPECT_FIELD(mvne_http_request, query, 40);
  EXPECT_FIELD(mvne_http_request, body, 56);
  EXPECT_FIELD(mvne_http_request, request_id, 72);
  EXPECT_EQ(sizeof(mvne_route_spec), 64u);
  EXPECT_FIELD(mvne_route_spec, struct_size, 0);
  EXPECT_FIELD(mvne_route_spec, method, 8);
  EXPECT_FIELD(mvne_route_spec, path_prefix, 24);
  EXPECT_FIELD(mvne_route_spec, access, 40);
  EXPECT_FIELD(mvne_route_spec, handler, 48);
  EXPECT_FIELD(mvne_route_spec, route_data, 56);
}

TEST(AbiLayout, JobSpoolDatagramSpecs) {
  EXPECT_EQ(sizeof(mvne_job_spec), 56u);
  EXPECT_FIELD(mvne_job_spec, name, 8);
  EXPECT_FIELD(mvne_job_spec, schedule, 24);
  EXPECT_FIELD(mvne_job_spec, handler, 40);
  EXPECT_FIELD(mvne_job_spec, job_data, 48);
  EXPECT_EQ(sizeof(mvne_spool_spec), 72u);
  EXPECT_FIELD(mvne_spool_spec, name, 8);
  EXPECT_FIELD(mvne_spool_spec, dir_key, 24);
  EXPECT_FIELD(mvne_spool_spec, pattern, 40);
  EXPECT_FIELD(mvne_spool_spec, handler, 56);
  EXPECT_FIELD(mvne_spool_spec, spool_data, 64);
  EXPECT_EQ(sizeof(mvne_datagram_spec), 56u);
  EXPECT_FIELD(mvne_datagram_spec, name, 8);
  EXPECT_FIELD(mvne_datagram_spec, listen_key, 24);
  EXPECT_FIELD(mvne_datagram_spec, handler, 40);
  EXPECT_FIELD(mvne_datagram_spec, listener_data, 48);
}

TEST(AbiLayout, RecordTypes) {
  EXPECT_EQ(sizeof(mvne_field_spec), 24u);
  EXPECT_FIELD(mvne_field_spec, name, 0);
  EXPECT_FIELD(mvne_field_spec, type, 16);
  EXPECT_FIELD(mvne_field_spec, roles, 20);
  EXPECT_EQ(sizeof(mvne_record_kind_spec), 48u);
  EXPECT_FIELD(mvne_record_kind_spec, name, 8);
  EXPECT_FIELD(mvne_record_kind_spec, fields, 24);
  EXPECT_FIELD(mvne_record_kind_spec, field_count, 32);
  EXPECT_FIELD(mvne_record_kind_spec, rating, 40);  // 1.1
  EXPECT_EQ(sizeof(mvne_value), 40u);
  EXPECT_FIELD(mvne_value, type, 0);
  EXPECT_FIELD(mvne_value, i64, 8);
  EXPECT_FIELD(mvne_value, f64, 16);
  EXPECT_FIELD(mvne_value, text, 24);
  EXPECT_EQ(sizeof(mvne_record), 16u);
  EXPECT_EQ(sizeof(mvne_filter), 64u);
  EXPECT_FIELD(mvne_filter, field, 0);
  EXPECT_FIELD(mvne_filter, op, 16);
  EXPECT_FIELD(mvne_filter, value, 24);
  EXPECT_EQ(sizeof(mvne_query), 152u);
  EXPECT_FIELD(mvne_query, kind, 8);
  EXPECT_FIELD(mvne_query, from_us, 24);
  EXPECT_FIELD(mvne_query, to_us, 32);
  EXPECT_FIELD(mvne_query, filters, 40);
  EXPECT_FIELD(mvne_query, filter_count, 48);
  EXPECT_FIELD(mvne_query, aggregate, 56);
  EXPECT_FIELD(mvne_query, sum_field, 64);
  EXPECT_FIELD(mvne_query, group_by, 80);
  EXPECT_FIELD(mvne_query, order_by, 88);
  EXPECT_FIELD(mvne_query, descending, 104);
  EXPECT_FIELD(mvne_query, cursor, 112);
  EXPECT_FIELD(mvne_query, limit, 128);
  EXPECT_FIELD(mvne_query, plugin, 136);  // 1.3
}

}  // namespace
