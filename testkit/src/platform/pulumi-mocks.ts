// Runs Pulumi resource construction against in-memory mocks and records what
// the engine would be asked to register: type, name, parent, dependencies,
// provider and inputs. Used by the platform unit tests and by bench/platform.

import * as pulumi from '@pulumi/pulumi';

export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  dependencies: string[];
  provider: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
  getProvider(): string;
  getCustom(): boolean;
}
interface MonitorLike {
  registerResource(request: RegisterRequest, callback: unknown): unknown;
}

const urnOf = (resource: pulumi.Resource): Promise<string> => new Promise((resolve) => resource.urn.apply((urn) => resolve(urn)));

export async function recordWithMocks(
  project: string,
  stack: string,
  build: () => pulumi.Resource[],
): Promise<{ registrations: Registration[]; resources: pulumi.Resource[] }> {
  const inputs = new Map<string, Record<string, unknown>>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        inputs.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
        return { id: `${args.name}-id`, state: args.inputs as Record<string, unknown> };
      },
      call: (args) => args.inputs as Record<string, unknown>,
    },
    project,
    stack,
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const requests: RegisterRequest[] = [];
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) => {
    requests.push(request);
    return register(request, callback);
  };
  const resources = build();
  const urns = await Promise.all(resources.map(urnOf));
  const byName = new Map(urns.map((urn) => [urn.slice(urn.lastIndexOf('::') + 2) + '|' + urn.split('::')[2]!.split('$').pop(), urn]));
  const registrations = requests.map((request) => ({
    type: request.getType(),
    name: request.getName(),
    urn: byName.get(`${request.getName()}|${request.getType()}`) ?? '',
    parent: request.getParent(),
    dependencies: request.getDependenciesList(),
    provider: request.getProvider(),
    custom: request.getCustom(),
    inputs: inputs.get(`${request.getType()}::${request.getName()}`) ?? {},
  }));
  return { registrations, resources };
}
