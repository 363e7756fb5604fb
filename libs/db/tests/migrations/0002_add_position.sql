ALTER TABLE shelves ADD COLUMN position INT NOT NULL DEFAULT 0;
-- A trigger body keeps its inner semicolons mid-line (see the rules in bookstore/db/migrations.h).
CREATE TRIGGER shelves_position BEFORE INSERT ON shelves FOR EACH ROW
  BEGIN IF NEW.position = 0 THEN SET NEW.position = 99; END IF; END;
INSERT INTO shelves (label) VALUES ('second')
