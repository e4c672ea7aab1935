import { globMatches } from '../iam/policy-evaluator';
import type { ProvisionedAssembly } from '../provisioning/types';

/**
 * The functions' resource-based policies (`AWS::Lambda::Permission`): may a
 * service principal (`cognito-idp.amazonaws.com`, `apigateway.amazonaws.com`)
 * invoke a function on behalf of a source ARN? `FunctionName` may be the
 * function's name or ARN; `SourceArn` matches as ArnLike does (`*`, `?`);
 * no `SourceArn` lets every source of that principal in.
 */
export type InvokePermission = (functionArn: string, principal: string, sourceArn: string) => boolean;

export function invokePermissionsFromAssembly(assembly: ProvisionedAssembly): InvokePermission {
  const permissions = assembly
    .ofType('AWS::Lambda::Permission')
    .map((p) => p.properties)
    .filter((p) => typeof p.Principal === 'string' && (String(p.Action).startsWith('lambda:Invoke') || p.Action === 'lambda:*'));
  return (functionArn, principal, sourceArn) => {
    const fn = assembly.find(functionArn);
    return permissions.some(
      (p) =>
        p.Principal === principal &&
        (p.FunctionName === functionArn || (fn !== undefined && (p.FunctionName === fn.ref || p.FunctionName === fn.arn))) &&
        (p.SourceArn === undefined || (typeof p.SourceArn === 'string' && globMatches(p.SourceArn, sourceArn))),
    );
  };
}
