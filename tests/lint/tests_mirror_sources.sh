#!/bin/sh
# Tests mirror sources (docs/architecture.md, "Tests"): every source file with logic,
# <module>/<file>.cpp under ca/, storage/, server/ and tools/localca/, has its unit test
# tests/unit/<module>/<file>_test.cpp. A file that is pure wiring, or whose behaviour only a
# running server shows, is on the allow-list below with the test that covers it instead. An
# entry that is stale (its source is gone, or it has a unit test now) fails too, so the list
# only shrinks. Usage: tests_mirror_sources.sh [SOURCE_DIR]
cd "${1:-$(dirname "$0")/../..}" || exit 2

# <source>  <what covers it>
allowed=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' <<'LIST'
# Request handlers and route tables: only a running server shows them (tests/integration/).
server/admin/personality.cpp          integration/test_admin_inventory.py
server/admin/browse_routes.cpp        integration/test_admin_browse.py
server/emca/admin_routes.cpp          integration/test_admin_inventory.py
server/emca/personality.cpp           integration/test_emca_create.py,test_emca_lifecycle.py,test_emca_errors.py
server/enos/device_routes.cpp         integration/test_enos_devices.py
server/enos/legacy_routes.cpp         integration/test_enos_legacy.py
server/enos/personality.cpp           integration/test_enos_apply.py,test_enos_auth.py,test_enos_renew.py
server/foundry/personality.cpp        integration/test_foundry_api.py,test_foundry_errors.py
server/lab/personality.cpp            integration/test_lab_clock.py
server/lab/fault_routes.cpp           integration/test_lab_faults.py
server/lab/snapshot_routes.cpp        integration/test_lab_snapshots.py
server/pki/ocsp_routes.cpp            integration/test_ocsp.py
server/pki/personality.cpp            integration/test_ca.py,test_bulk_revocation.py
# The transport's connection handling, driven through http_server by its unit tests.
server/core/listener.cpp              unit/server/core/http_server_test.cpp,tls_context_test.cpp
server/core/session.cpp               unit/server/core/http_server_test.cpp,integration/test_http.py
server/core/tls_session.cpp           integration/test_tls.py
server/core/server_state.cpp          unit/server/core/http_server_test.cpp
# The Foundry certificate profile: what the managed-certificate service test issues with.
server/foundry/profile.cpp            unit/ca/foundry/managed_certificate_service_test.cpp
# One file split by concept (issue 12 item 5): tested through the entry point they implement.
ca/csr_pem.cpp                        unit/ca/csr_test.cpp
ca/key_policy.cpp                     unit/ca/csr_test.cpp
ca/proof_of_possession.cpp            unit/ca/csr_test.cpp,rsa_verify_test.cpp
ca/subject_name.cpp                   unit/ca/csr_test.cpp
ca/der_oid.cpp                        unit/ca/der_reader_test.cpp,csr_test.cpp,unit/ca/emca/cms_test.cpp
ca/engine_detail.cpp                  unit/ca/engine_test.cpp
ca/engine_init.cpp                    unit/ca/engine_test.cpp,engine_clock_test.cpp
ca/engine_issue.cpp                   unit/ca/engine_test.cpp,engine_clock_test.cpp
ca/engine_revoke.cpp                  unit/ca/engine_test.cpp,bulk_revocation_test.cpp
ca/engine_crl.cpp                     unit/ca/crl_publisher_test.cpp,engine_clock_test.cpp
ca/tbs_lint_extensions.cpp            unit/ca/tbs_lint_test.cpp
ca/tbs_lint_fields.cpp                unit/ca/tbs_lint_test.cpp
ca/tbs_lint_general_names.cpp         unit/ca/tbs_lint_test.cpp
ca/tbs_lint_names.cpp                 unit/ca/tbs_lint_test.cpp
ca/emca/issuance_items.cpp            unit/ca/emca/issuance_service_test.cpp
ca/emca/issuance_profile.cpp          unit/ca/emca/issuance_service_test.cpp
ca/emca/issuance_users.cpp            unit/ca/emca/issuance_service_test.cpp
ca/emca/officer_queue.cpp             unit/ca/emca/issuance_service_test.cpp
server/enos/gateway_auth.cpp          integration/test_enos_auth.py,unit/server/enos/token_service_test.cpp
# /metrics: the route's counters through the router, the route against the real server.
server/core/request_metrics.cpp       unit/server/core/exposition_test.cpp,integration/test_metrics.py
server/admin/metrics_routes.cpp       integration/test_metrics.py
# The SQLite backend of the storage seam: exercised through the seam by connection_test, its
# pragmas by database_test.
storage/sqlite_connection.cpp         unit/storage/connection_test.cpp,database_test.cpp
# Vendor rows of the operator API's inventory: SQL declarations only.
storage/enos/admin_owner.cpp          integration/test_admin_inventory.py
storage/foundry/admin_owner.cpp       integration/test_admin_inventory.py
storage/emca/admin_owner.cpp          integration/test_admin_inventory.py
# The CLI's commands: process-level behaviour (exit codes, files, locks, signals).
tools/localca/main.cpp                integration/test_cli.py
tools/localca/apis.cpp                integration/test_cli.py
tools/localca/cli.cpp                 integration/test_cli.py
tools/localca/commands.cpp            integration/test_cli.py
tools/localca/shared_keys.cpp         integration/test_postgres_node.py
tools/localca/migrate.cpp             integration/test_postgres_node.py
tools/localca/data_dir.cpp            integration/test_cli.py,test_abuse.py
tools/localca/admin.cpp               integration/test_admin_inventory.py
tools/localca/audit.cpp               integration/test_audit.py
tools/localca/backup.cpp              integration/test_backup.py
tools/localca/lab.cpp                 integration/test_lab_clock.py
tools/localca/lab_faults.cpp          integration/test_lab_faults.py
tools/localca/seed_fixtures.cpp       integration/test_lab_fixtures.py
tools/localca/local_cert.cpp          integration/test_local_cert.py
tools/localca/revoke.cpp              integration/test_bulk_revocation.py
tools/localca/rotate.cpp              integration/test_secrets_at_rest.py
tools/localca/trust.cpp               integration/test_local_cert.py
LIST
)

status=0
for source in $(find ca storage server tools/localca -name '*.cpp' | sort); do
    test_file="tests/unit/${source%.cpp}_test.cpp"
    entry=$(printf '%s\n' "$allowed" | awk -v s="$source" '$1 == s { print $2 }')
    if [ -f "$test_file" ]; then
        if [ -n "$entry" ]; then
            echo "stale allow-list entry: $source has $test_file now; remove the entry"
            status=1
        fi
    elif [ -z "$entry" ]; then
        echo "no unit test: $source (write $test_file, or allow-list it with what covers it)"
        status=1
    fi
done
# Each entry's source exists, and so does every test it names (a comma list; a name without a
# folder is in the folder of the name before it).
printf '%s\n' "$allowed" | {
    while read -r source covered; do
        [ -f "$source" ] || { echo "stale allow-list entry: $source does not exist"; exit 1; }
        folder=
        for name in $(echo "$covered" | tr ',' ' '); do
            case "$name" in */*) folder=${name%/*} ;; *) name="$folder/$name" ;; esac
            [ -f "tests/$name" ] || { echo "allow-list entry $source: no tests/$name"; exit 1; }
        done
    done
} || status=1
if [ "$status" -eq 0 ]; then
    echo "every source with logic has tests/unit/<module>/<file>_test.cpp or an allow-list entry"
fi
exit "$status"
