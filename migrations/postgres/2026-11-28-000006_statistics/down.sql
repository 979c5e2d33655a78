DROP TABLE status_lookups;
DROP INDEX cases_received_by_type;
DROP TABLE decision_figures;
