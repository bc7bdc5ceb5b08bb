-- V7's update trigger ran once for every statement that updated deliveries, with transition
-- tables of the old and new rows, although only a change of state moves the pending or dead
-- count: downloads, status messages, push attempts and leases paid for it too. On a copy of the
-- schema (pgbench, two clients, synchronous_commit off; docs/BENCHMARKS.md) an update of
-- business_status ran 10,700-11,700 a second with it and 14,400-14,800 without. Now a row trigger
-- on updates of state fires only for a row whose change moves one of the two counts (the WHEN
-- clause is checked without calling the function): 12,900-14,800 a second for the same update.
-- Inserts, deletes and truncates keep V7's statement triggers.
drop trigger delivery_count_updated on delivery;
drop function delivery_count_updated();

create function delivery_count_row_updated() returns trigger language plpgsql as $$
begin
    insert into delivery_count (pending, dead)
    values ((new.state = 'pending')::int - (old.state = 'pending')::int, (new.state = 'dead')::int - (old.state = 'dead')::int);
    return null;
end
$$;

create trigger delivery_count_row_updated after update of state on delivery for each row
    when (old.state is distinct from new.state and (old.state in ('pending', 'dead') or new.state in ('pending', 'dead')))
    execute function delivery_count_row_updated();
