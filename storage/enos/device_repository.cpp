#include "storage/enos/device_repository.hpp"

#include "storage/sql_helpers.hpp"

#include "storage/connection.hpp"
#include "storage/enos/row_readers.hpp"

namespace localca::storage::enos {

namespace {

constexpr const char* k_details_columns =
    "SELECT device, name, name_i18n, timezone, description, attributes, tags, secret_sealed, "
    "disabled, created_ms FROM enos_devices ";

device_details_row read_details(statement& q, int first) {
    device_details_row r;
    r.device = q.get_int64(first);
    r.name = q.get_string(first + 1);
    r.name_i18n = q.get_string(first + 2);
    r.timezone = q.get_string(first + 3);
    r.description = q.get_optional_string(first + 4);
    r.attributes = q.get_string(first + 5);
    r.tags = q.get_string(first + 6);
    r.secret_sealed = q.get_blob(first + 7);
    r.disabled = q.get_int64(first + 8) != 0;
    r.created_ms = q.get_int64(first + 9);
    return r;
}

// A search parameter: an integer (the org) or a string. (Not a std::variant: GCC 12 warns
// falsely about its string member.)
struct bind_value {
    bind_value(std::int64_t n) : is_int(true), number(n) {}
    bind_value(std::string s) : text(std::move(s)) {}
    bool is_int = false;
    std::int64_t number = 0;
    std::string text;
};

// The WHERE clause of a search (starting with the org) and its parameters in order.
std::string where_clause(backend dialect, std::int64_t org, const device_filter& f,
                         std::vector<bind_value>* binds) {
    const bool pg = dialect == backend::postgres;
    std::string w = "WHERE d.org = ?";
    binds->push_back(org);
    if (f.match_nothing) {
        w += " AND 1 = 0";
    }
    const auto in_list = [&](const char* column, const std::vector<std::string>& values) {
        if (values.empty()) {
            w += " AND 1 = 0";
            return;
        }
        w += std::string(" AND ") + column + " IN (";
        for (std::size_t i = 0; i < values.size(); ++i) {
            w += i ? ", ?" : "?";
            binds->push_back(values[i]);
        }
        w += ")";
    };
    if (f.product_keys) {
        in_list("p.product_key", *f.product_keys);
    }
    if (f.device_keys) {
        in_list("d.device_key", *f.device_keys);
    }
    if (f.asset_ids) {
        in_list("d.asset_id", *f.asset_ids);
    }
    if (f.name_locale) {
        // A device without a details row is named by its deviceKey (as the device API shows it).
        const std::string def = "coalesce(e.name, d.device_key)";
        // The two dialects differ in the substring test and the JSON functions (name_i18n is
        // JSON text in both): SQLite's instr/json_each/json_extract, PostgreSQL's
        // strpos/json_each_text/->>.
        const std::string find = pg ? "strpos" : "instr";
        const auto contains = [&](const std::string& expr) {
            binds->push_back(f.name_contains);
            return find + "(lower(" + expr + "), lower(?)) > 0";
        };
        if (f.name_locale->empty()) {
            const std::string each = pg ? "json_each_text(coalesce(e.name_i18n, '{}')::json)"
                                        : "json_each(coalesce(e.name_i18n, '{}'))";
            w += " AND (" + contains(def) + " OR EXISTS (SELECT 1 FROM " + each + " j WHERE " +
                 find + "(lower(j.value), lower(?)) > 0))";
            binds->push_back(f.name_contains);
        } else if (*f.name_locale == "default") {
            w += " AND " + contains(def);
        } else {
            binds->push_back(pg ? *f.name_locale : std::string("$.\"") + *f.name_locale + "\"");
            const std::string localized =
                pg ? "(e.name_i18n::json ->> CAST(? AS TEXT))" : "json_extract(e.name_i18n, ?)";
            w += " AND " + contains("coalesce(" + localized + ", " + def + ")");
        }
    }
    if (f.disabled) {
        w += *f.disabled ? " AND coalesce(e.disabled, 0) = 1" : " AND coalesce(e.disabled, 0) = 0";
    }
    return w;
}

void bind_all(statement& q, const std::vector<bind_value>& binds) {
    int i = 1;
    for (const auto& b : binds) {
        if (b.is_int) {
            q.bind(i++, b.number);
        } else {
            q.bind(i++, b.text);
        }
    }
}

constexpr const char* k_search_from = "FROM devices d JOIN products p ON p.id = d.product "
                                      "LEFT JOIN enos_devices e ON e.device = d.id ";

} // namespace

std::optional<device_details_row> find_device_details(connection& db, std::int64_t device) {
    statement_handle q(db, std::string(k_details_columns) + "WHERE device = ?");
    q->bind(1, device);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_details(*q, 0);
}

bool insert_device_details(connection& db, const device_details_row& r) {
    statement_handle q(db, "INSERT INTO enos_devices (device, name, name_i18n, timezone, "
                           "description, attributes, tags, secret_sealed, disabled, created_ms) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device) DO NOTHING");
    q->bind(1, r.device);
    q->bind(2, r.name);
    q->bind(3, r.name_i18n);
    q->bind(4, r.timezone);
    sql::bind_optional(*q, 5, r.description);
    q->bind(6, r.attributes);
    q->bind(7, r.tags);
    q->bind_blob(8, r.secret_sealed);
    q->bind(9, r.disabled ? 1 : 0);
    q->bind(10, r.created_ms);
    return q->exec() == 1;
}

void update_device_details(connection& db, const device_details_row& r) {
    statement_handle q(db, "UPDATE enos_devices SET name = ?, name_i18n = ?, timezone = ?, "
                           "description = ?, attributes = ?, tags = ? WHERE device = ?");
    q->bind(1, r.name);
    q->bind(2, r.name_i18n);
    q->bind(3, r.timezone);
    sql::bind_optional(*q, 4, r.description);
    q->bind(5, r.attributes);
    q->bind(6, r.tags);
    q->bind(7, r.device);
    q->exec();
}

void update_device_secret(connection& db, std::int64_t device,
                          const std::vector<std::uint8_t>& secret_sealed) {
    statement_handle q(db, "UPDATE enos_devices SET secret_sealed = ? WHERE device = ?");
    q->bind_blob(1, secret_sealed);
    q->bind(2, device);
    q->exec();
}

bool set_device_disabled(connection& db, std::int64_t device, bool disabled) {
    statement_handle q(db,
                       "UPDATE enos_devices SET disabled = ? WHERE device = ? AND disabled != ?");
    q->bind(1, disabled ? 1 : 0);
    q->bind(2, device);
    q->bind(3, disabled ? 1 : 0);
    return q->exec() == 1;
}

bool device_disabled(connection& db, std::int64_t device) {
    statement_handle q(db, "SELECT disabled FROM enos_devices WHERE device = ?");
    q->bind(1, device);
    return q->step() && q->get_int64(0) != 0;
}

std::optional<product_row> find_product(connection& db, std::int64_t org,
                                        const std::string& product_key) {
    statement_handle q(db, "SELECT id, org, product_key, bi_directional_auth, max_valid_day "
                           "FROM products WHERE org = ? AND product_key = ?");
    q->bind(1, org);
    q->bind(2, product_key);
    if (!q->step()) {
        return std::nullopt;
    }
    return read_product_row(*q, 0);
}

std::int64_t insert_device(connection& db, std::int64_t org, std::int64_t product,
                           const std::string& device_key, const std::string& asset_id) {
    statement_handle q(db, "INSERT INTO devices (org, product, device_key, asset_id) "
                           "VALUES (?, ?, ?, ?) RETURNING id");
    q->bind(1, org);
    q->bind(2, product);
    q->bind(3, device_key);
    q->bind(4, asset_id);
    return sql::insert_returning_id(*q);
}

void delete_device(connection& db, std::int64_t device) {
    statement_handle detach(db, "UPDATE certificates SET device = NULL WHERE device = ?");
    detach->bind(1, device);
    detach->exec();
    statement_handle details(db, "DELETE FROM enos_devices WHERE device = ?");
    details->bind(1, device);
    details->exec();
    statement_handle del(db, "DELETE FROM devices WHERE id = ?");
    del->bind(1, device);
    del->exec();
}

std::vector<device_listing> search_devices(connection& db, std::int64_t org, const device_filter& f,
                                           std::int64_t offset, std::int64_t limit) {
    std::vector<bind_value> binds;
    const auto where = where_clause(db.kind(), org, f, &binds);
    statement_handle q(db, "SELECT d.id, d.org, d.product, d.device_key, d.asset_id, "
                           "p.product_key, e.device, e.name, e.name_i18n, e.timezone, "
                           "e.description, e.attributes, e.tags, e.secret_sealed, e.disabled, "
                           "e.created_ms " +
                               std::string(k_search_from) + where +
                               " ORDER BY d.id LIMIT ? OFFSET ?");
    bind_all(*q, binds);
    q->bind(static_cast<int>(binds.size()) + 1, limit);
    q->bind(static_cast<int>(binds.size()) + 2, offset);
    std::vector<device_listing> out;
    while (q->step()) {
        device_listing l;
        l.device = read_device_row(*q, 0);
        l.product_key = q->get_string(5);
        if (!q->is_null(6)) {
            l.details = read_details(*q, 6);
        }
        out.push_back(std::move(l));
    }
    return out;
}

std::int64_t count_devices(connection& db, std::int64_t org, const device_filter& f) {
    std::vector<bind_value> binds;
    const auto where = where_clause(db.kind(), org, f, &binds);
    statement_handle q(db, "SELECT count(*) " + std::string(k_search_from) + where);
    bind_all(*q, binds);
    q->step();
    return q->get_int64(0);
}

} // namespace localca::storage::enos
