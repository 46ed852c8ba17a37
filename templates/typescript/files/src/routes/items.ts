import type { FastifyInstance } from 'fastify';
import { HttpError } from '../errors.ts';
import type { ItemStore, NewItem } from '../items.ts';

const itemSchema = {
  type: 'object',
  required: ['id', 'name', 'description', 'createdAt'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    description: { type: ['string', 'null'] },
    createdAt: { type: 'string' },
  },
} as const;

const newItemSchema = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 100 },
    description: { type: 'string', maxLength: 1000 },
  },
} as const;

export function registerItemRoutes(app: FastifyInstance, store: ItemStore): void {
  app.post<{ Body: NewItem }>(
    '/v1/items',
    { schema: { body: newItemSchema, response: { 201: itemSchema } } },
    async (request, reply) => {
      const item = store.create(request.body);
      return reply.status(201).header('location', `/v1/items/${item.id}`).send(item);
    },
  );

  app.get<{ Params: { id: string } }>(
    '/v1/items/:id',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: { 200: itemSchema },
      },
    },
    (request) => {
      const item = store.get(request.params.id);
      if (item === undefined) throw new HttpError(404, 'not_found', `Item ${request.params.id} does not exist.`);
      return item;
    },
  );
}
