DELETE FROM case_types;
DELETE FROM service_goals;
DELETE FROM authorities;
