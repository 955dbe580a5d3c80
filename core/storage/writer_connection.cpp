#include "core/storage/writer_connection.h"

namespace mvne::storage {

WriterConnection::WriterConnection(std::shared_ptr<Database> db) : db_(std::move(db)) {}

WriterConnection::~WriterConnection() {
  if (lease_) (void)(*lease_)->execute("SET autocommit = 1");  // fails: broken, not pooled
}

Status WriterConnection::transaction(const std::function<Status(Connection&)>& body) {
  if (db_->dialect() != Dialect::kMysql) return db_->transaction(body);
  if (lease_ && (*lease_)->broken()) lease_.reset();
  if (!lease_) {
    auto lease = db_->acquire();
    if (!lease.ok()) return lease.status();
    if (Status st = (*lease)->execute("SET autocommit = 0"); !st.ok()) return st;
    lease_.emplace(std::move(lease).value());
  }
  Connection& c = **lease_;
  Status st = body(c);
  if (st.ok()) st = c.execute("COMMIT");
  if (!st.ok()) (void)c.execute("ROLLBACK");
  return st;
}

}  // namespace mvne::storage
