import type { IncomingMessage, ServerResponse } from 'node:http';
import { operationNames, resolveOperation } from '../http/dispatch';
import { AwsJsonError, BodyTooLargeError, jsonObject, readBody, sendAwsJson, sendAwsJsonError } from '../http/http';
import type { SsmContext, SsmOperation, SsmServices } from './common';
import { SsmError } from './errors';
import { DeleteParameter } from './delete-parameter';
import { GetParameter } from './get-parameter';
import { GetParameters } from './get-parameters';
import { GetParametersByPath } from './get-parameters-by-path';
import { PutParameter } from './put-parameter';

/**
 * SSM Parameter Store over the AWS JSON 1.1 protocol (`x-amz-target:
 * AmazonSSM.<Operation>`), as far as Amplify uses it: the function runtime's
 * GetParameters, GetParameter(sByPath) for secrets, PutParameter / DeleteParameter for
 * `ampx sandbox secret set` / `remove`, and the CDK bootstrap version. Every call is SigV4-signed and authorized by IAM.
 */
export const SSM_TARGET_PREFIX = 'AmazonSSM.';
const BODY_LIMIT = 64 * 1024;

const OPERATIONS: Record<string, SsmOperation> = { DeleteParameter, GetParameter, GetParameters, GetParametersByPath, PutParameter };

/** Every operation of SSM's API (the others answer 501 UnsupportedOperationException). */
const SSM_OPERATIONS = operationNames(`
  AddTagsToResource AssociateOpsItemRelatedItem CancelCommand CancelMaintenanceWindowExecution CreateActivation
  CreateAssociation CreateAssociationBatch CreateCloudConnector CreateDocument CreateMaintenanceWindow
  CreateOpsItem CreateOpsMetadata CreatePatchBaseline CreateResourceDataSync DeleteActivation DeleteAssociation
  DeleteCloudConnector DeleteDocument DeleteInventory DeleteMaintenanceWindow DeleteOpsItem DeleteOpsMetadata
  DeleteParameter DeleteParameters DeletePatchBaseline DeleteResourceDataSync DeleteResourcePolicy
  DeregisterDefaultHostManagementConfiguration DeregisterManagedInstance DeregisterPatchBaselineForPatchGroup
  DeregisterTargetFromMaintenanceWindow DeregisterTaskFromMaintenanceWindow DescribeActivations
  DescribeAssociation DescribeAssociationExecutionTargets DescribeAssociationExecutions
  DescribeAutomationExecutions DescribeAutomationStepExecutions DescribeAvailablePatches DescribeDocument
  DescribeDocumentPermission DescribeEffectiveInstanceAssociations DescribeEffectivePatchesForPatchBaseline
  DescribeInstanceAssociationsStatus DescribeInstanceInformation DescribeInstancePatchStates
  DescribeInstancePatchStatesForPatchGroup DescribeInstancePatches DescribeInstanceProperties
  DescribeInventoryDeletions DescribeMaintenanceWindowExecutionTaskInvocations
  DescribeMaintenanceWindowExecutionTasks DescribeMaintenanceWindowExecutions DescribeMaintenanceWindowSchedule
  DescribeMaintenanceWindowTargets DescribeMaintenanceWindowTasks DescribeMaintenanceWindows
  DescribeMaintenanceWindowsForTarget DescribeOpsItems DescribeParameters DescribePatchBaselines
  DescribePatchGroupState DescribePatchGroups DescribePatchProperties DescribeSessions
  DisassociateOpsItemRelatedItem GetAccessToken GetAutomationExecution GetCalendarState GetCloudConnector
  GetCommandInvocation GetConnectionStatus GetDefaultPatchBaseline GetDeployablePatchSnapshotForInstance
  GetDocument GetExecutionPreview GetInventory GetInventorySchema GetMaintenanceWindow
  GetMaintenanceWindowExecution GetMaintenanceWindowExecutionTask GetMaintenanceWindowExecutionTaskInvocation
  GetMaintenanceWindowTask GetOpsItem GetOpsMetadata GetOpsSummary GetParameter GetParameterHistory
  GetParameters GetParametersByPath GetPatchBaseline GetPatchBaselineForPatchGroup GetResourcePolicies
  GetServiceSetting LabelParameterVersion ListAssociationVersions ListAssociations ListCloudConnectors
  ListCommandInvocations ListCommands ListComplianceItems ListComplianceSummaries ListDocumentMetadataHistory
  ListDocumentVersions ListDocuments ListInventoryEntries ListNodes ListNodesSummary ListOpsItemEvents
  ListOpsItemRelatedItems ListOpsMetadata ListResourceComplianceSummaries ListResourceDataSync
  ListTagsForResource ModifyDocumentPermission PutComplianceItems PutInventory PutParameter PutResourcePolicy
  RegisterDefaultHostManagementConfiguration RegisterDefaultPatchBaseline RegisterPatchBaselineForPatchGroup
  RegisterTargetWithMaintenanceWindow RegisterTaskWithMaintenanceWindow RemoveTagsFromResource
  ResetServiceSetting ResumeSession SendAutomationSignal SendCommand StartAccessRequest StartAssociationsOnce
  StartAutomationExecution StartChangeRequestExecution StartExecutionPreview StartSession
  StopAutomationExecution TerminateSession UnlabelParameterVersion UpdateAssociation UpdateAssociationStatus
  UpdateCloudConnector UpdateDocument UpdateDocumentDefaultVersion UpdateDocumentMetadata
  UpdateMaintenanceWindow UpdateMaintenanceWindowTarget UpdateMaintenanceWindowTask UpdateManagedInstanceRole
  UpdateOpsItem UpdateOpsMetadata UpdatePatchBaseline UpdateResourceDataSync UpdateServiceSetting
  ValidateCloudConnector
`);

export function matchesSsm(req: IncomingMessage): boolean {
  const target = req.headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith(SSM_TARGET_PREFIX);
}

export function createSsmHandler(services: SsmServices) {
  const handlers = Object.fromEntries(Object.entries(OPERATIONS).map(([name, op]) => [name, op(services)]));
  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (req.method !== 'POST') throw new SsmError('SerializationException', 'Only POST is supported.');
      const operation = String(req.headers['x-amz-target']).slice(SSM_TARGET_PREFIX.length);
      const body = await readBody(req, BODY_LIMIT).catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) throw new SsmError('ValidationException', `Request body exceeds ${BODY_LIMIT} bytes.`, 413);
        throw error;
      });
      const caller = services.auth.authenticate(req, body, 'ssm');
      const handler = resolveOperation(handlers, operation, { targetPrefix: SSM_TARGET_PREFIX, serviceOperations: SSM_OPERATIONS });
      const input = jsonObject(body);
      if (!input) throw new SsmError('SerializationException', 'The request body is not a JSON object.');
      const ctx: SsmContext = { caller, sourceIp: req.socket.remoteAddress };
      sendAwsJson(res, 200, await handler(ctx, input));
    } catch (error) {
      if (error instanceof AwsJsonError) {
        sendAwsJsonError(res, error.status, error.code, error.message);
      } else {
        console.error('[ssm] internal error', error);
        sendAwsJson(res, 500, { __type: 'InternalServerError', message: 'Internal error in the local cloud.' });
      }
    }
  };
}
