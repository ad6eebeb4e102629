/** What a bench run measured: each section fills its part. */
import type { NegotiationUsage, ReconcilerUsage } from '../aws-requests';
import type { ColdStartResult } from '../cold-start';
import type { CostModel } from '../cost-model';
import type { MachineInfo } from '../lib/machine';
import type { RoomsBenchResult } from '../rooms';
import type { SubmitLatencyResult } from '../submit-latency';
import type { ThroughputResult } from '../throughput';
import type { TimeToDealResult } from '../time-to-deal';

export interface Results {
  machine: MachineInfo;
  loadEnd: string;
  wallSeconds: number;
  cold?: ColdStartResult;
  submit?: SubmitLatencyResult;
  deal?: TimeToDealResult;
  throughput?: ThroughputResult;
  usage?: { negotiation: NegotiationUsage; reconciler: ReconcilerUsage };
  cost?: CostModel;
  rooms?: RoomsBenchResult;
}
