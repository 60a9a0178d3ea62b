import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** An Atrium API key (Settings → API keys) and, for keys of several tenants, the tenant to act in. */
export class AtriumApi implements ICredentialType {
  name = 'atriumApi';
  displayName = 'Atrium API';
  documentationUrl = 'https://github.com/atrium/atrium/tree/main/n8n';
  properties: INodeProperties[] = [
    { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: 'http://127.0.0.1:8080', placeholder: 'https://atrium.example.com', required: true },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'An Atrium API key (atr_…) with the roles the workflow needs',
    },
    { displayName: 'Tenant', name: 'tenant', type: 'string', default: '', description: 'Tenant slug or id; leave empty when the key belongs to one tenant' },
  ];
  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{$credentials.baseUrl}}',
      url: '/v1/me',
      headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
    },
  };
}
