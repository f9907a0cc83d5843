-- medaid 0.1.0 -> 0.2.0.  0.2.0 is not released yet: every change to the
-- install script (sql/medaid.sql) after 0.1.0 is repeated here, and
-- scripts/test-upgrade checks that an upgraded database equals a fresh
-- install of 0.2.0, catalog and data.

\echo Use "ALTER EXTENSION medaid UPDATE TO '0.2.0'" to load this file. \quit
