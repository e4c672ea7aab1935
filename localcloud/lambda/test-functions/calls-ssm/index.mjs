// Not bundled: relies on the runtime-provided AWS SDK, like Amplify's SSM shim.
export const handler = async (event) => {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ maxAttempts: 1 });
  try {
    const out = await client.send(new GetParametersCommand({ Names: event.names, WithDecryption: true }));
    return { ok: true, parameters: out.Parameters, invalid: out.InvalidParameters };
  } catch (error) {
    return { ok: false, name: error.name, message: error.message };
  }
};
