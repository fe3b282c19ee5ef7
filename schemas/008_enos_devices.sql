-- LocalCA schema, version 8: EnOS device management (connect-service v2.1 devices API,
-- ca/enos/device_management.hpp). The devices table keeps the identity every personality
-- uses (org, product, deviceKey, assetId); what only EnOS's device API knows lives here, one row
-- per device. A device seeded or created before this schema has no row yet: the first read
-- through the device API creates it (with a fresh secret), see docs/enos.md.
CREATE TABLE enos_devices (
    device        INTEGER PRIMARY KEY REFERENCES devices(id) ON DELETE CASCADE,
    name          TEXT NOT NULL,                -- deviceName.defaultValue
    name_i18n     TEXT NOT NULL DEFAULT '{}',   -- deviceName.i18nValue, a JSON object
    timezone      TEXT NOT NULL,
    description   TEXT,                         -- deviceDesc, NULL when never given
    attributes    TEXT NOT NULL DEFAULT '{}',   -- deviceAttributes, a JSON object
    tags          TEXT NOT NULL DEFAULT '{}',   -- deviceTags, a JSON object of strings
    secret_sealed BLOB NOT NULL,                -- ca::secret_box, context enos-device-secret:<id>
    disabled      INTEGER NOT NULL DEFAULT 0,   -- a disabled device gets no certificate
    created_ms    INTEGER NOT NULL              -- createTime, epoch milliseconds
);
