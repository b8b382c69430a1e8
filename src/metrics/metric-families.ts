/**
 * Metric families that prom-client's Registry exposes, with the counting kept out of prom-client on purpose: a hot
 * path holds on to a series' cell and adds to a number, where prom-client's labelled inc()/observe() would hash a
 * label object on every call. prom-client still does what it is good at: the registry, default labels, the text
 * format, and the process metrics.
 */

export type Labels = Record<string, string>;

interface Sample {
  labels: Labels;
  value: number;
  metricName?: string;
}

interface Snapshot {
  name: string;
  help: string;
  type: string;
  aggregator: 'sum';
  values: Sample[];
}

/** The shape prom-client's Registry reads from a registered metric (name, help, type, get()). */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<Snapshot>;
  reset(): void;
}

/** Java caps the series of one instrument (metricsOtelCardinalityLimit); beyond it new series fold into one. */
export const OVERFLOW_LABELS: Labels = { otel_metric_overflow: 'true' };

export class CounterCell {
  value = 0;
  constructor(readonly labels: Labels) {}
}

export class CounterFamily implements MetricFamily {
  readonly type = 'counter' as const;
  readonly aggregator = 'sum' as const;
  private readonly cells = new Map<string, CounterCell>();
  private overflow: CounterCell | undefined;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly maxSeries: number,
  ) {}

  /** The series named by `key` (callers build a key unique to the label values), created on first use. */
  cell(key: string, labels: () => Labels): CounterCell {
    let c = this.cells.get(key);
    if (c) return c;
    if (this.cells.size >= this.maxSeries) return (this.overflow ??= new CounterCell(OVERFLOW_LABELS));
    c = new CounterCell(labels());
    this.cells.set(key, c);
    return c;
  }

  async get(): Promise<Snapshot> {
    const values: Sample[] = [];
    for (const c of this.cells.values()) values.push({ labels: c.labels, value: c.value });
    if (this.overflow) values.push({ labels: this.overflow.labels, value: this.overflow.value });
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.cells.clear();
    this.overflow = undefined;
  }
}

export class HistogramCell {
  /** Observations per bucket (not cumulative); the last slot is +Inf. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

export class HistogramFamily implements MetricFamily {
  readonly type = 'histogram' as const;
  readonly aggregator = 'sum' as const;
  private readonly cells = new Map<string | number, HistogramCell>();
  private overflow: HistogramCell | undefined;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
    private readonly maxSeries: number,
  ) {}

  cell(key: string | number, labels: () => Labels): HistogramCell {
    let c = this.cells.get(key);
    if (c) return c;
    if (this.cells.size >= this.maxSeries) return (this.overflow ??= new HistogramCell(OVERFLOW_LABELS, this.bounds));
    c = new HistogramCell(labels(), this.bounds);
    this.cells.set(key, c);
    return c;
  }

  async get(): Promise<Snapshot> {
    const values: Sample[] = [];
    const all = [...this.cells.values()];
    if (this.overflow) all.push(this.overflow);
    for (const c of all) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += c.counts[i]!;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...c.labels, le: String(this.bounds[i]) }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_bucket`, labels: { ...c.labels, le: '+Inf' }, value: c.count });
      values.push({ metricName: `${this.name}_sum`, labels: c.labels, value: c.sum });
      values.push({ metricName: `${this.name}_count`, labels: c.labels, value: c.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    this.cells.clear();
    this.overflow = undefined;
  }
}

/** A gauge whose series are computed when scraped, as Java's observable gauges are. */
export class GaugeFamily implements MetricFamily {
  readonly type = 'gauge' as const;
  readonly aggregator = 'sum' as const;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly collect: () => Array<{ labels: Labels; value: number }> | Promise<Array<{ labels: Labels; value: number }>>,
  ) {}

  async get(): Promise<Snapshot> {
    const values = await this.collect();
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {}
}
