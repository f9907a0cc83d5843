-- Shared opening of every pgTAP file (test/tap/*.sql): stop on errors,
-- quiet output, pgTAP and medaid installed, medaid on the search path.
\set ON_ERROR_STOP 1
\set QUIET 1
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS medaid;
SET search_path = public, medaid;
