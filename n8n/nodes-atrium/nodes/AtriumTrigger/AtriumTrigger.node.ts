import {
  NodeConnectionTypes,
  type IDataObject,
  type IHookFunctions,
  type INodeType,
  type INodeTypeDescription,
  type IWebhookFunctions,
  type IWebhookResponseData,
} from 'n8n-workflow';
import { AtriumClient, type AtriumCredentials } from '../../lib/client';
import { verifyStandardWebhook } from '../../lib/standard-webhooks';

const EVENTS = [
  'conversation.created',
  'conversation.escalated',
  'tool.executed',
  'approval.requested',
  'approval.decided',
  'knowledge.synced',
  'safety.alert',
];

interface TriggerState {
  endpointId?: string;
  secret?: string;
}

/**
 * Starts a workflow on Atrium events. Activating the workflow subscribes this node's webhook URL through
 * POST /v1/admin/webhooks (the signing secret is kept in the workflow's static data); deactivating deletes
 * the subscription. Every delivery's Standard Webhooks signature is checked before the workflow runs.
 */
export class AtriumTrigger implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Atrium Trigger',
    name: 'atriumTrigger',
    icon: 'fa:concierge-bell',
    group: ['trigger'],
    version: 1,
    subtitle: '={{$parameter["events"].join(", ")}}',
    description: 'Starts the workflow when something happens in Atrium (escalations, approvals, tool runs, …)',
    defaults: { name: 'Atrium Trigger' },
    inputs: [],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'atriumApi', required: true }],
    webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'atrium-events' }],
    properties: [
      {
        displayName: 'Events',
        name: 'events',
        type: 'multiOptions',
        required: true,
        default: ['approval.requested'],
        options: [{ name: 'All Events', value: '*' }, ...EVENTS.map((e) => ({ name: e, value: e }))],
      },
    ],
  };

  webhookMethods = {
    default: {
      async checkExists(this: IHookFunctions): Promise<boolean> {
        const state = this.getWorkflowStaticData('node') as TriggerState;
        if (!state.endpointId) return false;
        const client = new AtriumClient((await this.getCredentials('atriumApi')) as unknown as AtriumCredentials);
        if (await client.isSubscribed(state.endpointId)) return true;
        delete state.endpointId;
        delete state.secret;
        return false;
      },
      async create(this: IHookFunctions): Promise<boolean> {
        const client = new AtriumClient((await this.getCredentials('atriumApi')) as unknown as AtriumCredentials);
        const created = await client.subscribe(this.getNodeWebhookUrl('default') as string, this.getNodeParameter('events') as string[]);
        const state = this.getWorkflowStaticData('node') as TriggerState;
        state.endpointId = created.id;
        state.secret = created.secret;
        return true;
      },
      async delete(this: IHookFunctions): Promise<boolean> {
        const state = this.getWorkflowStaticData('node') as TriggerState;
        if (state.endpointId) {
          const client = new AtriumClient((await this.getCredentials('atriumApi')) as unknown as AtriumCredentials);
          await client.unsubscribe(state.endpointId);
        }
        delete state.endpointId;
        delete state.secret;
        return true;
      },
    },
  };

  async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
    const req = this.getRequestObject() as unknown as { rawBody?: Buffer; body: unknown; headers: Record<string, string | string[] | undefined> };
    const state = this.getWorkflowStaticData('node') as TriggerState;
    const raw = req.rawBody ? req.rawBody.toString('utf8') : JSON.stringify(req.body);
    if (!state.secret || !verifyStandardWebhook(state.secret, raw, req.headers)) {
      this.getResponseObject().status(401).json({ error: 'invalid signature' });
      return { noWebhookResponse: true };
    }
    const event = (typeof req.body === 'object' && req.body ? req.body : JSON.parse(raw)) as IDataObject;
    return { workflowData: [[{ json: { ...event, webhook_id: req.headers['webhook-id'] as string } }]] };
  }
}
