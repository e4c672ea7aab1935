let invocations = 0;
const startedAt = Date.now();
export const handler = async (event, context) => {
  invocations += 1;
  return {
    env: { ...process.env },
    pid: process.pid,
    invocations,
    startedAt,
    event,
    context: {
      functionName: context.functionName,
      awsRequestId: context.awsRequestId,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      remaining: context.getRemainingTimeInMillis(),
    },
  };
};
