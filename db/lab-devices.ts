/**
 * Device locks (AlabOS-style resources): a device runs one job at a time. A device row in
 * `lab_devices` is held by one experiment under a lease that expires unless renewed, so a holder
 * that vanished (its workflow terminated, every lab worker down longer than the lease) frees the
 * device without anyone's help. Taking a device is one short transaction that picks the first
 * free device with `SELECT … FOR UPDATE SKIP LOCKED` (PGlite-safe: nothing waits on a second
 * connection); a device already held by the caller is renewed, so a retried acquire is harmless.
 *
 * Waiting is not done here: {@link acquireDevice} returns null when every device is busy and the
 * activity turns that into a retryable `LabDeviceBusy`, so Temporal's retry policy polls without
 * holding a worker slot or growing the workflow history. Waiters are not served first-come
 * first-served: whoever retries first after a release gets the device.
 */
import type { Database } from './database.js';

export interface DeviceLease {
  readonly device: string;
  readonly leaseExpiresAt: Date;
}

export interface AcquireDeviceInput {
  readonly experimentId: string;
  readonly plugin: string;
  /** Acceptable devices, in order of preference. */
  readonly devices: readonly string[];
  readonly leaseTtlMs: number;
}

/** Takes (or renews) a device for the experiment; null when every one is held by another. */
export async function acquireDevice(db: Database, input: AcquireDeviceInput): Promise<DeviceLease | null> {
  await db.query(
    `INSERT INTO lab_devices (name, plugin) SELECT unnest($1::text[]), $2 ON CONFLICT (name) DO NOTHING`,
    [input.devices, input.plugin],
  );
  return db.transaction(async (c) => {
    const free = await c.query<{ name: string }>(
      `SELECT name FROM lab_devices
        WHERE name = ANY($1::text[])
          AND (holder_experiment_id = $2 OR holder_experiment_id IS NULL OR lease_expires_at < now())
        ORDER BY holder_experiment_id IS NOT DISTINCT FROM $2::bigint DESC, array_position($1::text[], name)
        LIMIT 1
        FOR UPDATE SKIP LOCKED`,
      [input.devices, input.experimentId],
    );
    const name = free.rows[0]?.name;
    if (name === undefined) return null;
    const taken = await c.query<{ lease_expires_at: Date }>(
      `UPDATE lab_devices
          SET acquired_at = CASE WHEN holder_experiment_id IS NOT DISTINCT FROM $2::bigint THEN acquired_at ELSE now() END,
              holder_experiment_id = $2, lease_expires_at = now() + $3 * interval '1 millisecond', updated_at = now()
        WHERE name = $1
        RETURNING lease_expires_at`,
      [name, input.experimentId, input.leaseTtlMs],
    );
    await c.query(
      `UPDATE lab_experiments SET device = $2, device_acquired_at = COALESCE(device_acquired_at, now()), updated_at = now()
        WHERE id = $1`,
      [input.experimentId, name],
    );
    return { device: name, leaseExpiresAt: taken.rows[0]!.lease_expires_at };
  });
}

/** Extends the experiment's lease; false when it holds no device any more (lease lost). */
export async function renewDeviceLease(
  db: Database,
  experimentId: string,
  leaseTtlMs: number,
): Promise<boolean> {
  const r = await db.query(
    `UPDATE lab_devices SET lease_expires_at = now() + $2 * interval '1 millisecond', updated_at = now()
      WHERE holder_experiment_id = $1`,
    [experimentId, leaseTtlMs],
  );
  return (r.rowCount ?? 0) > 0;
}

/** Frees whatever device the experiment holds; `ran` counts a finished job on the device. */
export async function releaseDevice(db: Database, experimentId: string, ran: boolean): Promise<void> {
  await db.query(
    `UPDATE lab_devices
        SET holder_experiment_id = NULL, lease_expires_at = NULL, acquired_at = NULL,
            jobs_run = jobs_run + $2, updated_at = now()
      WHERE holder_experiment_id = $1`,
    [experimentId, ran ? 1 : 0],
  );
}
