-- The queue gauges (pending deliveries, dead letters) used to count the delivery table every
-- housekeeping.queue-interval: with half a million deliveries pending (an intake benchmark's
-- backlog, or a ministry offline for a day) that was hundreds of milliseconds of a core on every
-- node, and the intake latency rose every 15 s in step (docs/BENCHMARKS.md). Instead every
-- statement that changes deliveries appends what it changed in those two counts, and the
-- housekeeping job folds the appended rows into one (DeliveryRepository.queueFigures); the
-- figures are the sum of the rows. Statement-level triggers, so no code path can forget it.
create table delivery_count (
    id      bigint generated always as identity primary key,
    pending bigint not null,
    dead    bigint not null
);
insert into delivery_count (pending, dead)
select count(*) filter (where state = 'pending'), count(*) filter (where state = 'dead') from delivery;

create function delivery_count_inserted() returns trigger language plpgsql as $$
begin
    insert into delivery_count (pending, dead)
    select p, d from (select count(*) filter (where state = 'pending') as p, count(*) filter (where state = 'dead') as d
                      from new_rows) c
    where p <> 0 or d <> 0;
    return null;
end
$$;

create function delivery_count_updated() returns trigger language plpgsql as $$
begin
    insert into delivery_count (pending, dead)
    select p, d from (select coalesce(sum(case when state = 'pending' then 1 else 0 end * sign), 0) as p,
                             coalesce(sum(case when state = 'dead' then 1 else 0 end * sign), 0) as d
                      from (select state, 1 as sign from new_rows union all select state, -1 from old_rows) rows) c
    where p <> 0 or d <> 0;
    return null;
end
$$;

create function delivery_count_deleted() returns trigger language plpgsql as $$
begin
    insert into delivery_count (pending, dead)
    select -p, -d from (select count(*) filter (where state = 'pending') as p, count(*) filter (where state = 'dead') as d
                        from old_rows) c
    where p <> 0 or d <> 0;
    return null;
end
$$;

create trigger delivery_count_inserted after insert on delivery
    referencing new table as new_rows for each statement execute function delivery_count_inserted();
create trigger delivery_count_updated after update on delivery
    referencing old table as old_rows new table as new_rows for each statement execute function delivery_count_updated();
create trigger delivery_count_deleted after delete on delivery
    referencing old table as old_rows for each statement execute function delivery_count_deleted();

-- TRUNCATE fires no delete trigger; with the table emptied (under an exclusive lock, so no change
-- to deliveries is in flight) both counts are zero.
create function delivery_count_truncated() returns trigger language plpgsql as $$
begin
    delete from delivery_count;
    insert into delivery_count (pending, dead) values (0, 0);
    return null;
end
$$;

create trigger delivery_count_truncated after truncate on delivery
    for each statement execute function delivery_count_truncated();
