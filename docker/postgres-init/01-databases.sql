-- One database per service plus the engine's: the names the local stack uses (stack/stack.mjs).
-- The postgres image runs this once, on an empty data volume, as POSTGRES_USER, who owns them.
CREATE DATABASE otus_user;
CREATE DATABASE otus_course;
CREATE DATABASE otus_promo;
CREATE DATABASE otus_notification;
CREATE DATABASE camunda;
