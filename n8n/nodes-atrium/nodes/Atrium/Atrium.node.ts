import {
  NodeConnectionTypes,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';
import { AtriumApiError, AtriumClient, type AtriumCredentials } from '../../lib/client';

const show = (operation: string) => ({ show: { operation: [operation] } });

/** Calls Atrium from a workflow: ask the assistant, search knowledge, ask for an approval, post into a conversation. */
export class Atrium implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Atrium',
    name: 'atrium',
    icon: 'fa:concierge-bell',
    group: ['transform'],
    version: 1,
    subtitle: '={{$parameter["operation"]}}',
    description: 'Ask the Atrium assistant, search its knowledge, create approval requests and post to conversations',
    defaults: { name: 'Atrium' },
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    usableAsTool: true,
    credentials: [{ name: 'atriumApi', required: true }],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        default: 'ask',
        options: [
          { name: 'Ask Atrium', value: 'ask', action: 'Ask the assistant a question', description: "Get a cited answer from the tenant's assistant" },
          {
            name: 'Search Knowledge',
            value: 'search',
            action: 'Search the knowledge base',
            description: 'Hybrid search with citations, limited to what the API key may see',
          },
          { name: 'Create Approval', value: 'createApproval', action: 'Create an approval request', description: "Ask the tenant's approvers for a decision" },
          { name: 'Post to Conversation', value: 'post', action: 'Post a message to a conversation', description: 'Report a result back to the customer' },
        ],
      },
      { displayName: 'Message', name: 'message', type: 'string', typeOptions: { rows: 3 }, default: '', required: true, displayOptions: show('ask') },
      {
        displayName: 'Conversation ID',
        name: 'conversationId',
        type: 'string',
        default: '',
        description: 'Continue an existing conversation (optional for Ask and Create Approval)',
        displayOptions: { show: { operation: ['ask', 'createApproval', 'post'] } },
      },
      {
        displayName: 'End User',
        name: 'user',
        type: 'string',
        default: '',
        description: 'Who the question is for (keeps memories and conversations per person)',
        displayOptions: show('ask'),
      },
      { displayName: 'Query', name: 'query', type: 'string', default: '', required: true, displayOptions: show('search') },
      { displayName: 'Results', name: 'topK', type: 'number', typeOptions: { minValue: 1, maxValue: 50 }, default: 5, displayOptions: show('search') },
      {
        displayName: 'Type',
        name: 'approvalType',
        type: 'string',
        default: 'workflow_decision',
        required: true,
        description: 'Lowercase identifier, e.g. refund_exception',
        displayOptions: show('createApproval'),
      },
      { displayName: 'Title', name: 'title', type: 'string', default: '', required: true, displayOptions: show('createApproval') },
      { displayName: 'Details', name: 'details', type: 'string', typeOptions: { rows: 4 }, default: '', displayOptions: show('createApproval') },
      { displayName: 'Content', name: 'content', type: 'string', typeOptions: { rows: 3 }, default: '', required: true, displayOptions: show('post') },
      {
        displayName: 'Post As',
        name: 'role',
        type: 'options',
        default: 'assistant',
        options: [
          { name: 'Assistant', value: 'assistant' },
          { name: 'Agent (Human Team Member)', value: 'agent' },
        ],
        displayOptions: show('post'),
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    const client = new AtriumClient((await this.getCredentials('atriumApi')) as unknown as AtriumCredentials);
    const items = this.getInputData();
    const out: INodeExecutionData[] = [];
    for (let i = 0; i < items.length; i++) {
      const operation = this.getNodeParameter('operation', i) as string;
      const param = (name: string) => String(this.getNodeParameter(name, i, '') ?? '');
      try {
        let json: IDataObject;
        if (operation === 'ask') {
          const r = await client.ask({ message: param('message'), conversationId: param('conversationId') || undefined, user: param('user') || undefined });
          json = {
            answer: r.choices[0]?.message.content ?? '',
            conversation_id: r.conversation_id ?? null,
            citations: (r.citations ?? []) as IDataObject[],
            id: r.id,
          };
        } else if (operation === 'search') {
          json = (await client.search(param('query'), this.getNodeParameter('topK', i, 5) as number)) as unknown as IDataObject;
        } else if (operation === 'createApproval') {
          json = (await client.createApproval({
            type: param('approvalType'),
            title: param('title'),
            details: param('details') || undefined,
            conversationId: param('conversationId') || undefined,
          })) as IDataObject;
        } else if (operation === 'post') {
          if (!param('conversationId')) throw new NodeOperationError(this.getNode(), 'Conversation ID is required to post a message', { itemIndex: i });
          json = (await client.postMessage(param('conversationId'), param('content'), param('role') as 'assistant' | 'agent')) as IDataObject;
        } else {
          throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex: i });
        }
        out.push({ json, pairedItem: { item: i } });
      } catch (error) {
        const message = error instanceof AtriumApiError ? `${error.code}: ${error.message}` : (error as Error).message;
        if (this.continueOnFail()) {
          out.push({ json: { error: message }, pairedItem: { item: i } });
          continue;
        }
        throw error instanceof NodeOperationError ? error : new NodeOperationError(this.getNode(), message, { itemIndex: i });
      }
    }
    return [out];
  }
}
