// The example's cases through vitest and cxda/vitest, for benchmarks/cold-start.mjs to time against `cxda test`.
import { describeAction } from "../../dist/vitest/index.js";

describeAction(new URL("../../examples/billing-callback", import.meta.url));
