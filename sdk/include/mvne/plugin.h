/*
 * mvne/plugin.h: the stable C ABI between mvne-host and its plugins (ABI 1.5).
 *
 * A plugin is a shared library that exports exactly one symbol, `mvne_plugin_entry`.
 * The host calls it once after loading, passing its function table; the plugin returns
 * its descriptor. Everything else goes through the two tables below.
 *
 * Rules (docs/plugin-guide.md, "The ABI contract"):
 *  - Pure C: no exceptions cross this boundary, strings are (data,len) pairs and are
 *    never assumed to be NUL-terminated.
 *  - Every struct that can grow starts with `struct_size`; fields are only ever appended,
 *    and the ABI minor is bumped when they are. A reader treats fields past the
 *    `struct_size` it was given as absent.
 *  - Whoever allocates frees. Each declaration carries an OWNERSHIP line.
 *  - A context handle (mvne_context*) is opaque and valid only during the callback that
 *    received it, and only on the thread that runs that callback. Using it afterwards, or
 *    from another thread, fails with MVNE_ERR_STALE_CONTEXT (logged and counted), unless the
 *    callback handed it to helper threads with context_share (since 1.2).
 *  - Nothing here takes a tenant or subscriber id: the principal of a call is a property
 *    of its context, set by the host.
 *
 * Thread safety: the host may call a plugin's callbacks from several threads at once, so
 * a plugin never keeps "the current context" in a global. Host functions are called on the
 * callback's thread with that callback's context, or on a helper thread with a handle the
 * callback shared (context_share). Calls on one context are serialised by the host.
 */
#ifndef MVNE_PLUGIN_H_
#define MVNE_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#define MVNE_ABI_MAJOR 1
#define MVNE_ABI_MINOR 5

#if defined(__GNUC__) || defined(__clang__)
#define MVNE_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define MVNE_PLUGIN_EXPORT
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Status codes ------------------------------------------------------------------ */

/* Every fallible function returns one of these. Details of a failure are passed with
 * set_error (plugin to host) or logged by the host (host to plugin). */
typedef int32_t mvne_status;
enum {
  MVNE_OK = 0,
  MVNE_ERR_INVALID_ARGUMENT = 1,  /* an argument is malformed or out of range */
  MVNE_ERR_NOT_FOUND = 2,         /* the key, field or item does not exist */
  MVNE_ERR_PERMISSION_DENIED = 3, /* the context's principal may not do this */
  MVNE_ERR_STALE_CONTEXT = 4,     /* the context handle is outside its callback, used from a
                                     thread it was not shared with, or forged */
  MVNE_ERR_WRONG_PHASE = 5,       /* the call is not allowed in this kind of callback */
  MVNE_ERR_UNAVAILABLE = 6,       /* the host offers no such service in this configuration */
  MVNE_ERR_EGRESS_BLOCKED = 7,    /* the output was stopped by the egress guard */
  MVNE_ERR_INTERNAL = 8           /* anything else; the plugin says what with set_error */
};

/* ---- Basic types ------------------------------------------------------------------- */

/* A byte string. OWNERSHIP: borrowed; valid as long as the documentation of the call
 * that produced it says (for host outputs: until the current callback returns). */
typedef struct mvne_str {
  const char* data;
  size_t len;
} mvne_str;

/* Opaque handle naming one callback's scope (principal, request id, phase). */
typedef struct mvne_context mvne_context;

/* Opaque cursor over the rows of a scoped query. */
typedef struct mvne_cursor mvne_cursor;

enum {
  MVNE_LOG_TRACE = 0,
  MVNE_LOG_DEBUG = 1,
  MVNE_LOG_INFO = 2,
  MVNE_LOG_WARN = 3,
  MVNE_LOG_ERROR = 4
};

/* ---- HTTP routes ------------------------------------------------------------------- */

/* Who may reach a route. Non-public routes are only reached by an authenticated
 * principal; the host authenticates, the plugin never sees credentials. */
enum {
  MVNE_ROUTE_PUBLIC = 0,  /* anyone; the context has no principal */
  MVNE_ROUTE_TENANT = 1,  /* an MVNO tenant, authenticated by API key */
  MVNE_ROUTE_CONSUMER = 2 /* a consumer logged into the portal */
};

/* The request a route handler serves. OWNERSHIP: host-owned, valid during the call. */
typedef struct mvne_http_request {
  uint32_t struct_size;
  mvne_str method;     /* "GET", "POST", ... */
  mvne_str path;       /* path without the query string, e.g. "/api/v1/voice/cdrs" */
  mvne_str query;      /* raw query string without '?', may be empty */
  mvne_str body;       /* request body, may be empty */
  mvne_str request_id; /* the id the host logs this request under */
} mvne_http_request;

/* Serves one request. Writes the response with the host's response_* functions.
 * Returning anything but MVNE_OK makes the host answer 500 and count the error. */
typedef mvne_status (*mvne_route_handler)(void* plugin_state, void* route_data, mvne_context* ctx,
                                          const mvne_http_request* request);

typedef struct mvne_route_spec {
  uint32_t struct_size;
  mvne_str method;      /* exact method, or "*" for any */
  mvne_str path_prefix; /* must start with "/api/" or "/portal/" */
  int32_t access;       /* MVNE_ROUTE_* */
  mvne_route_handler handler;
  void* route_data; /* OWNERSHIP: plugin-owned, passed back to handler unchanged */
} mvne_route_spec;

/* ---- Scheduled jobs ------------------------------------------------------------------ */

typedef mvne_status (*mvne_job_handler)(void* plugin_state, void* job_data, mvne_context* ctx);

typedef struct mvne_job_spec {
  uint32_t struct_size;
  mvne_str name;     /* unique within the plugin */
  mvne_str schedule; /* "every 30s", "every 5m", "every 1h" or "daily 02:30" (UTC) */
  mvne_job_handler handler;
  void* job_data; /* OWNERSHIP: plugin-owned */
} mvne_job_spec;

/* ---- File-spool ingestion ------------------------------------------------------------ */

/* Handles one complete spool file. The host claims the file, passes its path, and moves
 * it to done/ on MVNE_OK or failed/ otherwise. The context is an ingest context. */
typedef mvne_status (*mvne_spool_handler)(void* plugin_state, void* spool_data, mvne_context* ctx,
                                          mvne_str file_path);

typedef struct mvne_spool_spec {
  uint32_t struct_size;
  mvne_str name;    /* unique within the plugin */
  mvne_str dir_key; /* key in [plugin.NAME] that holds the spool directory */
  mvne_str pattern; /* file name glob, e.g. "*.csv" */
  mvne_spool_handler handler;
  void* spool_data; /* OWNERSHIP: plugin-owned */
} mvne_spool_spec;

/* ---- Datagram listeners ------------------------------------------------------------ */

/* Handles one datagram received on a host-owned UDP socket. The plugin may answer the
 * sender with datagram_reply during the call; replies are sent after the handler returns
 * MVNE_OK (so after what it submitted is stored), never otherwise. The context is an
 * ingest context. To drop a datagram on purpose (malformed, unknown sender, ...), return
 * MVNE_ERR_INVALID_ARGUMENT with set_error("reason: details"): the host logs it and counts
 * it in mvne_datagrams_total{outcome="reason"} (reason: a-z, 0-9 and _). */
typedef mvne_status (*mvne_datagram_handler)(void* plugin_state, void* listener_data,
                                             mvne_context* ctx, mvne_str payload,
                                             mvne_str peer_address);

typedef struct mvne_datagram_spec {
  uint32_t struct_size;
  mvne_str name;       /* unique within the plugin */
  mvne_str listen_key; /* key in [plugin.NAME] holding "address:port" */
  mvne_datagram_handler handler;
  void* listener_data; /* OWNERSHIP: plugin-owned */
} mvne_datagram_spec;

/* ---- Record kinds, ingestion and scoped reads ---------------------------------------- */

enum {
  MVNE_FIELD_INT64 = 1,
  MVNE_FIELD_DOUBLE = 2,
  MVNE_FIELD_TEXT = 3,
  MVNE_FIELD_TIME = 4 /* microseconds since the Unix epoch, UTC */
};

/* Field roles, OR-ed together. */
enum {
  MVNE_ROLE_NONE = 0,
  MVNE_ROLE_MSISDN = 1u << 0, /* identifies the line by MSISDN */
  MVNE_ROLE_IMSI = 1u << 1,   /* identifies the line by IMSI */
  MVNE_ROLE_ICCID = 1u << 2,  /* identifies the line by ICCID */
  MVNE_ROLE_EVENT_TIME = 1u << 3,
  MVNE_ROLE_DEDUP_KEY = 1u << 4, /* part of the key that makes a record unique */
  MVNE_ROLE_INDEXED = 1u << 5,   /* filterable in scoped reads */
  /* Since 1.1: rating (see mvne_record_kind_spec.rating). */
  MVNE_ROLE_RATED_UNITS = 1u << 6,  /* INT64: billable seconds (voice) or segments (SMS) */
  MVNE_ROLE_RATING_CLASS = 1u << 7, /* TEXT: call type (voice) or direction (SMS) */
  MVNE_ROLE_CHARGE = 1u << 8,       /* DOUBLE: set by the host from the line's plan */
  /* Since 1.3: INT64 bytes counted against the plan's monthly data quota (high-speed use).
   * The host sums them for data_balance and for the data line of a bill; at most one field
   * of a kind has it. */
  MVNE_ROLE_QUOTA_BYTES = 1u << 9
};

/* How the host rates a record kind (since 1.1). The plugin cannot read plans: it names
 * the units, the class and the charge field, and the host fills the charge with the
 * price of the plan of the subscriber the record is attributed to. */
enum {
  MVNE_RATING_NONE = 0,
  MVNE_RATING_VOICE = 1, /* units: billable seconds; class: call type */
  MVNE_RATING_SMS = 2,   /* units: segments; class: direction (MO charged, MT free) */
  /* Since 1.3: units times the plan's price per unit for the record's class, from the
   * plan's class rates (mvnectl plan add --rates mms=10,video=25); a class the plan does not
   * price costs 0. For any record kind: MMS, content, roaming packs ... */
  MVNE_RATING_CLASS = 3
};

typedef struct mvne_field_spec {
  mvne_str name;
  int32_t type;   /* MVNE_FIELD_* */
  uint32_t roles; /* MVNE_ROLE_* */
} mvne_field_spec;

typedef struct mvne_record_kind_spec {
  uint32_t struct_size;
  mvne_str name;                 /* unique within the plugin, e.g. "cdr" */
  const mvne_field_spec* fields; /* OWNERSHIP: borrowed for the call */
  size_t field_count;
  int32_t rating; /* since 1.1: MVNE_RATING_* */
} mvne_record_kind_spec;

typedef struct mvne_value {
  int32_t type;  /* MVNE_FIELD_*, or 0 for NULL */
  int64_t i64;   /* INT64 and TIME */
  double f64;    /* DOUBLE */
  mvne_str text; /* TEXT */
} mvne_value;

/* One record: values in the order the kind declared its fields. */
typedef struct mvne_record {
  const mvne_value* values;
  size_t value_count;
} mvne_record;

enum { MVNE_FILTER_EQ = 1, MVNE_FILTER_LT = 2, MVNE_FILTER_GE = 3 };
enum { MVNE_AGG_NONE = 0, MVNE_AGG_COUNT = 1, MVNE_AGG_SUM = 2 };
/* Filters: EQ on a field with an identifier role (MSISDN, IMSI, ICCID) compares the value
 * normalised as stored records are (normalize_identifier gives that form); LT and GE compare
 * as given.
 * Grouped queries (aggregate set): each row is the grouping keys, then the value.
 *   MVNE_GROUP_NONE          (value): one row
 *   MVNE_GROUP_DAY           (day TEXT "YYYY-MM-DD", value): calendar days in the
 *                            principal's tenant's time zone, in order
 *   MVNE_GROUP_LINE          (line TEXT, value): the kind's first identifier field, normalised
 *   MVNE_GROUP_DAY_AND_LINE  (day, line, value) (since 1.1)
 * The value is INT64 for COUNT and for SUM of an INT64 field, DOUBLE for SUM of a DOUBLE
 * field (NULL when no record matched). Days and lines without records have no row. Grouped
 * queries ignore order_by, descending, limit and cursor: every group comes in one page.
 * docs/plugin-queries.md has the exact semantics. */
enum { MVNE_GROUP_NONE = 0, MVNE_GROUP_DAY = 1, MVNE_GROUP_LINE = 2, MVNE_GROUP_DAY_AND_LINE = 3 };

typedef struct mvne_filter {
  mvne_str field;
  int32_t op; /* MVNE_FILTER_* */
  mvne_value value;
} mvne_filter;

typedef struct mvne_query {
  uint32_t struct_size;
  mvne_str kind;
  int64_t from_us; /* event time >= from_us */
  int64_t to_us;   /* event time < to_us; from_us >= to_us is refused (INVALID_ARGUMENT),
                      so a zero-initialised query fails instead of returning nothing */
  const mvne_filter* filters;
  size_t filter_count;
  int32_t aggregate;  /* MVNE_AGG_* */
  mvne_str sum_field; /* for MVNE_AGG_SUM */
  int32_t group_by;   /* MVNE_GROUP_* */
  mvne_str order_by;  /* a field name; empty for event time */
  int32_t descending; /* 0 or 1 */
  mvne_str cursor;    /* token from cursor_token of the previous page, or empty */
  uint32_t limit;     /* rows per page; 0 for the host's default */
  /* Since 1.3: the plugin that declared `kind`; empty for the caller's own kinds. Reading
   * another plugin's kind needs both its declaration in the caller's descriptor (`reads`)
   * and the operator's grant in config ([plugins] read_grants); the host still scopes the
   * rows to the context's principal. Not granted: MVNE_ERR_PERMISSION_DENIED. The other
   * plugin not running here, or not enabled for the principal's tenant: MVNE_ERR_NOT_FOUND. */
  mvne_str plugin;
} mvne_query;

/* ---- Exports (since 1.1) --------------------------------------------------------------
 * An export writes one file per tenant and period into the tenant's export directory.
 * The host calls the handler once per tenant that has the plugin enabled, under a context
 * whose principal is that tenant (reads are scoped to it), with the period [from_us,
 * to_us) (one day in the tenant's time zone). The handler writes the file's bytes with
 * export_write; the host checks them with the egress guard, writes the file atomically
 * with a manifest beside it, and audits the delivery. A failure leaves no file. */
typedef mvne_status (*mvne_export_handler)(void* plugin_state, void* export_data, mvne_context* ctx,
                                           int64_t from_us, int64_t to_us);

typedef struct mvne_export_spec {
  uint32_t struct_size;
  mvne_str name;         /* unique within the plugin; part of the file name */
  mvne_str kind;         /* the record kind it reads, for the audit log */
  mvne_str extension;    /* file name extension without the dot, e.g. "csv" */
  mvne_str schedule_key; /* key in [plugin.NAME] holding a "daily HH:MM" schedule (UTC);
                            unset: on demand only (mvnectl export run) */
  mvne_export_handler handler;
  void* export_data; /* OWNERSHIP: plugin-owned */
} mvne_export_spec;

/* ---- Plugin metrics (since 1.3) --------------------------------------------------------
 * Counters and histograms a plugin defines in on_start and records into from any callback.
 * The host exports them in /metrics as mvne_plugin_<plugin>_<name> (counters end in _total),
 * labelled plugin="NAME" plus the plugin's own labels (at most 4; values masked like log
 * lines, at most 1000 value sets per metric). */
enum { MVNE_METRIC_COUNTER = 1, MVNE_METRIC_HISTOGRAM = 2 };

typedef struct mvne_metric_spec {
  uint32_t struct_size;
  mvne_str name; /* a-z, 0-9 and _, starting with a letter */
  mvne_str help;
  int32_t type;                /* MVNE_METRIC_* */
  const mvne_str* label_names; /* OWNERSHIP: borrowed for the call */
  size_t label_count;
  const double* buckets; /* histograms: upper bounds, ascending (1 to 32) */
  size_t bucket_count;
} mvne_metric_spec;

/* ---- Data balance (since 1.3) -----------------------------------------------------------
 * A consumer's data quota for one month of its tenant's calendar, from its plan and the
 * records with MVNE_ROLE_QUOTA_BYTES. Quota left unused in a month is carried over to the
 * next one (and only that one), and carried-over bytes are used first. */
typedef struct mvne_data_balance {
  uint32_t struct_size; /* set by the caller to sizeof(mvne_data_balance) */
  int64_t quota_bytes;  /* the plan's data for the month */
  int64_t carried_over_bytes; /* unused quota of the month before */
  int64_t used_bytes;   /* quota bytes used in the month so far */
  int64_t left_bytes;   /* quota + carried over - used, never below 0 */
  int64_t from_us;      /* the month: [from_us, to_us) */
  int64_t to_us;
  int64_t as_of_us; /* when the host computed this */
  mvne_str month;   /* "YYYY-MM"; OWNERSHIP: host-owned, valid until the callback returns */
} mvne_data_balance;

/* ---- Mail (since 1.4) -------------------------------------------------------------------
 * A plugin hands the host a structured message; the host checks it (every address
 * local@domain, no CR or LF in any header field: MVNE_ERR_INVALID_ARGUMENT naming the field
 * through set_error), scans it with the egress guard for the callback's principal (another
 * principal's number or address in a recipient or the text: MVNE_ERR_EGRESS_BLOCKED,
 * nothing queued), renders the MIME message itself, stores it in the durable outbox, audits
 * it (the recipient count) and delivers it to the relay, retrying until the relay accepts or
 * refuses for good. Bcc addresses are only ever in the SMTP envelope, never in a header. */
typedef struct mvne_mail_address {
  mvne_str name;  /* display name, UTF-8; may be empty */
  mvne_str email; /* local@domain */
} mvne_mail_address;

typedef struct mvne_mail_message {
  uint32_t struct_size;
  mvne_mail_address from; /* empty email: the platform's sender ([mail] from); else it must be
                             an address of the same domain */
  mvne_mail_address reply_to; /* empty email: none */
  const mvne_mail_address* to;
  size_t to_count;
  const mvne_mail_address* cc;
  size_t cc_count;
  const mvne_mail_address* bcc;
  size_t bcc_count;
  mvne_str subject; /* UTF-8 */
  mvne_str text;    /* plain-text body, UTF-8; text, html or both */
  mvne_str html;
  mvne_str purpose; /* one word for the outbox and the audit log, e.g. "usage_alert" */
  /* ABI 1.5: the wording from a template of the principal's tenant instead of subject, text
   * and html: "<[mail] templates>/<tenant>/<name>.txt", else "<[mail] templates>/<name>.txt",
   * "{{key}}" filled from template_values (key, value, key, value, ...; an even count).
   * MVNE_ERR_NOT_FOUND when there is no such template. Empty name: no template. */
  mvne_str template_name;
  const mvne_str* template_values;
  size_t template_value_count;
} mvne_mail_message;

/* ---- The host function table ---------------------------------------------------------
 * OWNERSHIP: host-owned; valid from mvne_plugin_entry until the library is unloaded.
 * Append-only: a plugin checks abi_minor (or struct_size) before using a later field. */
typedef struct mvne_host_api {
  uint32_t struct_size;
  uint16_t abi_major;
  uint16_t abi_minor;

  /* Attaches a message to the failure the current callback is about to return.
   * OWNERSHIP: message is copied. */
  void (*set_error)(mvne_context* ctx, mvne_str message);

  /* Logs under the plugin's name and the context's request id. Phone numbers and IMSIs
   * in the message are masked by the host. OWNERSHIP: message is copied. */
  void (*log)(mvne_context* ctx, int32_t level, mvne_str message);

  /* Reads `key` of the plugin's own [plugin.NAME] section. MVNE_ERR_NOT_FOUND if absent.
   * OWNERSHIP: *out_value is host-owned, valid until the callback returns. */
  mvne_status (*config_get)(mvne_context* ctx, mvne_str key, mvne_str* out_value);

  /* Registration, allowed only in on_start (else MVNE_ERR_WRONG_PHASE).
   * OWNERSHIP: specs are copied; the *_data pointers stay plugin-owned. */
  mvne_status (*register_route)(mvne_context* ctx, const mvne_route_spec* spec);
  mvne_status (*register_job)(mvne_context* ctx, const mvne_job_spec* spec);
  mvne_status (*register_spool)(mvne_context* ctx, const mvne_spool_spec* spec);
  mvne_status (*register_datagram_listener)(mvne_context* ctx, const mvne_datagram_spec* spec);
  mvne_status (*declare_record_kind)(mvne_context* ctx, const mvne_record_kind_spec* spec);

  /* Request details, allowed only in a route handler. MVNE_ERR_NOT_FOUND if absent.
   * Credential headers (Authorization, Proxy-Authorization, Cookie, X-Api-Key, ...) are
   * MVNE_ERR_PERMISSION_DENIED, present or not: the host authenticates, never the plugin.
   * OWNERSHIP: *out_value is host-owned, valid until the callback returns. */
  mvne_status (*request_header)(mvne_context* ctx, mvne_str name, mvne_str* out_value);
  mvne_status (*request_query_param)(mvne_context* ctx, mvne_str name, mvne_str* out_value);

  /* Builds the response, allowed only in a route handler. The host owns the final
   * headers: a plugin sets only Content-Type, Content-Disposition, Content-Language,
   * Retry-After, Location (a path on this host), X-Next-Cursor and X-Mvne-* headers (a
   * second set replaces the first); any other name is MVNE_ERR_PERMISSION_DENIED. Headers
   * and body are checked by the egress guard, which withholds the whole response when
   * either names another principal's identifier.
   * OWNERSHIP: name, value and bytes are copied. */
  mvne_status (*response_set_status)(mvne_context* ctx, int32_t http_status);
  mvne_status (*response_set_header)(mvne_context* ctx, mvne_str name, mvne_str value);
  mvne_status (*response_write)(mvne_context* ctx, mvne_str bytes);

  /* Answers the sender of the current datagram. OWNERSHIP: bytes are copied. */
  mvne_status (*datagram_reply)(mvne_context* ctx, mvne_str bytes);

  /* Stores records of a declared kind, in an ingest context only. The host attributes
   * each record to its line's holder or quarantines it. A record whose value count or value
   * types do not match the kind (NULL fits any field; INT64 and TIME are interchangeable) is
   * the plugin's mistake: the whole call fails with MVNE_ERR_INVALID_ARGUMENT naming the
   * record and field, nothing of it is stored, and it is counted as a plugin error
   * (reason bad_record). OWNERSHIP: records are copied. */
  mvne_status (*submit_records)(mvne_context* ctx, mvne_str kind, const mvne_record* records,
                                size_t record_count);

  /* Scoped reads: the host adds the context's principal to every query.
   * OWNERSHIP: *out_cursor is host-owned; release it with cursor_close before the
   * callback returns (the host closes any left open). Rows from cursor_next are valid
   * until the next call on the same cursor, and until cursor_close, which frees them.
   * A callback holds a bounded number of open cursors and bytes (rows of open cursors
   * plus strings the host handed out, [plugins] max_open_cursors and max_callback_mib):
   * past either, query_open fails with MVNE_ERR_UNAVAILABLE and the plugin error is
   * counted; close cursors to read more. */
  mvne_status (*query_open)(mvne_context* ctx, const mvne_query* query, mvne_cursor** out_cursor);
  mvne_status (*cursor_next)(mvne_context* ctx, mvne_cursor* cursor, mvne_record* out_row,
                             int32_t* out_has_row);
  mvne_status (*cursor_token)(mvne_context* ctx, mvne_cursor* cursor, mvne_str* out_token);
  void (*cursor_close)(mvne_context* ctx, mvne_cursor* cursor);

  /* A key-value store private to (plugin, principal's tenant). Calls without a tenant have
   * one store per kind of callback, none visible to another: ingest handlers (spool and
   * datagram), jobs (and on_start/on_stop), public routes. Keys are 1 to 190 bytes; an empty
   * value deletes the key (kv_get then answers MVNE_ERR_NOT_FOUND). A store holds at most
   * [plugins] kv_max_keys keys: a kv_put adding one more fails with MVNE_ERR_UNAVAILABLE.
   * kv_get sees committed values only. In a datagram callback, kv_put is stored in the
   * same transaction as the callback's records (the group commit) and is seen by kv_get
   * once that transaction committed; if it fails, the value of before is seen again.
   * OWNERSHIP: *out_value is host-owned, valid until the callback returns. */
  mvne_status (*kv_get)(mvne_context* ctx, mvne_str key, mvne_str* out_value);
  mvne_status (*kv_put)(mvne_context* ctx, mvne_str key, mvne_str value);

  /* ---- Since ABI 1.1 ---- */

  /* In an ingest context: sends one input line that could not be parsed to quarantine,
   * with its line number (1-based, in the current source) and the reason. Counted as
   * quarantined. OWNERSHIP: all strings are copied. */
  mvne_status (*quarantine_line)(mvne_context* ctx, mvne_str kind, mvne_str line,
                                 int64_t line_number, mvne_str reason);

  /* Registration, allowed only in on_start. OWNERSHIP: the spec is copied. */
  mvne_status (*register_export)(mvne_context* ctx, const mvne_export_spec* spec);

  /* In an export handler: appends bytes holding `rows` rows to the export file.
   * MVNE_ERR_EGRESS_BLOCKED when the bytes name another principal's identifiers; the
   * export then fails. OWNERSHIP: bytes are copied. */
  mvne_status (*export_write)(mvne_context* ctx, mvne_str bytes, uint64_t rows);

  /* Turns a calendar period of the principal's tenant, "YYYY-MM" or "YYYY-MM-DD", into
   * [*out_from_us, *out_to_us) in its time zone. Needs a tenant or consumer principal. */
  mvne_status (*local_period)(mvne_context* ctx, mvne_str period, int64_t* out_from_us,
                              int64_t* out_to_us);

  /* ---- Since ABI 1.2 ---- */

  /* Hands the current callback to helper threads: *out_shared names the same callback
   * (same principal, same response, same cursors) and works from any thread until the
   * callback returns; then it fails with MVNE_ERR_STALE_CONTEXT like the callback's own.
   * Only the callback's own thread, with the callback's own handle, may call it (else
   * MVNE_ERR_STALE_CONTEXT). Join the helpers before returning: what they do later fails.
   * OWNERSHIP: *out_shared is host-owned; nothing to free. */
  mvne_status (*context_share)(mvne_context* ctx, mvne_context** out_shared);

  /* ---- Since ABI 1.3 ---- */

  /* The data balance of the consumer the route serves, for `month` ("YYYY-MM", the
   * tenant's calendar; empty for the current month). Needs a consumer principal (else
   * MVNE_ERR_PERMISSION_DENIED). The host writes no more than out->struct_size bytes.
   * OWNERSHIP: *out is caller-owned. */
  mvne_status (*data_balance)(mvne_context* ctx, mvne_str month, mvne_data_balance* out);

  /* 1 when a log line of `level` (MVNE_LOG_*) would be written now, else 0: skip building
   * messages nobody reads. Any phase. */
  int32_t (*log_enabled)(mvne_context* ctx, int32_t level);

  /* An identifier in the form the host stores, compares and shows it: an MSISDN in E.164
   * with + under the host's numbering plan ("090-1234-5678" -> "+819012345678"), an IMSI or
   * ICCID as digits. `role` is MVNE_ROLE_MSISDN, MVNE_ROLE_IMSI or MVNE_ROLE_ICCID.
   * MVNE_ERR_INVALID_ARGUMENT when `text` is not one (set_error says why). Any phase.
   * OWNERSHIP: *out is host-owned, valid until the callback returns. */
  mvne_status (*normalize_identifier)(mvne_context* ctx, uint32_t role, mvne_str text,
                                      mvne_str* out);

  /* Defines a metric; only in on_start. OWNERSHIP: the spec is copied. */
  mvne_status (*register_metric)(mvne_context* ctx, const mvne_metric_spec* spec);
  /* Adds `value` to a counter (>= 0) or observes it in a histogram, for the given label
   * values (as many as the metric has labels). Any callback. MVNE_ERR_NOT_FOUND for an
   * undefined metric; MVNE_ERR_UNAVAILABLE past 1000 label value sets (counted).
   * OWNERSHIP: strings are copied. */
  mvne_status (*metric_record)(mvne_context* ctx, mvne_str name, const mvne_str* label_values,
                               size_t label_count, double value);

  /* ---- Since ABI 1.4 ---- */

  /* Queues a message (see "Mail" above) for the callback's principal; *out_id is its outbox
   * id. Any callback but on_stop. OWNERSHIP: the message is copied. */
  mvne_status (*mail_send)(mvne_context* ctx, const mvne_mail_message* message, int64_t* out_id);
  /* What became of a message this plugin queued for the same tenant: *out_state is queued,
   * sending, sent, failed (the relay refused it for good) or cancelled; *out_reply the
   * relay's last answer. MVNE_ERR_NOT_FOUND for another plugin's or another tenant's mail.
   * OWNERSHIP: host-owned strings, valid until the callback returns. */
  mvne_status (*mail_state)(mvne_context* ctx, int64_t id, mvne_str* out_state,
                            mvne_str* out_reply);
} mvne_host_api;

/* ---- Config keys (since 1.3) -----------------------------------------------------------
 * A plugin that lists its [plugin.NAME] keys in its descriptor has them checked by the host
 * like the host's own (mvne-host --check-config, start, reload): an unknown key, a missing
 * required one or a value of the wrong type is refused with the file and line; a default
 * fills an absent key (config_get returns it); a secret is never printed. A plugin that
 * lists no keys is not checked. */
enum { MVNE_CONFIG_TEXT = 1, MVNE_CONFIG_INT = 2, MVNE_CONFIG_BOOL = 3 };
enum { MVNE_CONFIG_REQUIRED = 1u << 0, MVNE_CONFIG_SECRET = 1u << 1 };

typedef struct mvne_config_key {
  mvne_str name;          /* a-z, 0-9 and _ */
  int32_t type;           /* MVNE_CONFIG_*; BOOL is true/false, yes/no, on/off or 1/0 */
  uint32_t flags;         /* MVNE_CONFIG_REQUIRED, MVNE_CONFIG_SECRET */
  mvne_str default_value; /* used when the key is absent; empty for none */
  mvne_str help;          /* one line: what the key means */
} mvne_config_key;

/* ---- The plugin descriptor ------------------------------------------------------------
 * OWNERSHIP: plugin-owned (normally static); must stay valid while the library is loaded. */
typedef struct mvne_plugin_descriptor {
  uint32_t struct_size;
  uint16_t abi_major; /* MVNE_ABI_MAJOR the plugin was built against */
  uint16_t abi_minor; /* MVNE_ABI_MINOR the plugin was built against */
  mvne_str name;      /* must equal the name the operator enabled */
  mvne_str version;

  /* Called once when the plugin is enabled: registers routes, jobs, spools, listeners and
   * record kinds. OWNERSHIP: *out_state is plugin-owned, handed back to every callback and
   * to on_stop, which frees it. A failure disables the plugin. */
  mvne_status (*on_start)(mvne_context* ctx, void** out_state);

  /* Called once when the plugin is disabled or the host stops, after in-flight calls into
   * the plugin have completed. */
  mvne_status (*on_stop)(mvne_context* ctx, void* state);

  /* Since 1.3: the other plugins' record kinds this plugin reads, as "plugin.kind" (e.g.
   * "data_sessions.usage"). The operator grants each in config; nothing else is readable.
   * OWNERSHIP: plugin-owned (normally static). */
  const mvne_str* reads;
  size_t read_count;
  /* Since 1.3: the plugin's config keys (see above). OWNERSHIP: plugin-owned (static). */
  const mvne_config_key* config_keys;
  size_t config_key_count;
} mvne_plugin_descriptor;

/* The one symbol a plugin exports. Returns the descriptor, or NULL to refuse loading.
 * OWNERSHIP: `host` is host-owned; the returned descriptor is plugin-owned. */
typedef const mvne_plugin_descriptor* (*mvne_plugin_entry_fn)(const mvne_host_api* host);
#define MVNE_PLUGIN_ENTRY_SYMBOL "mvne_plugin_entry"

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* MVNE_PLUGIN_H_ */
