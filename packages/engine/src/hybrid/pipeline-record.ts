import * as v from 'valibot';

const id = v.optional(v.nullable(v.string('must be a string')));

/**
 * A normalized place from the discovery pipeline. Only the identifiers and the structure are strict:
 * a website, created_at, confidence_score or metadata.domain that cannot be used is replaced by a
 * default and announced by a warning, so those are taken as they come.
 */
export const PlaceSchema = v.looseObject(
  {
    entity_id: id,
    source_id: id,
    place_id: id,
    id,
    website: v.optional(v.unknown()),
    metadata: v.optional(v.nullable(v.looseObject({ domain: v.optional(v.unknown()) }, 'must be an object'))),
    created_at: v.optional(v.unknown()),
    confidence_score: v.optional(v.unknown()),
    provenance: v.optional(v.nullable(v.array(v.unknown(), 'must be a list of sources'))),
  },
  'must be an object (a pipeline record {place_norm, web_snapshot?} or a bare place)',
);

export const WebSnapshotSchema = v.looseObject(
  {
    pages: v.optional(
      v.array(v.looseObject({ text: v.optional(v.nullable(v.string('must be a string'))) }, 'must be an object with text'), 'must be a list of pages'),
      [],
    ),
  },
  'must be an object with pages',
);

/** A pipeline record: a place and, when the site was crawled, a snapshot of its pages. */
export const PipelineRecordSchema = v.object({
  place_norm: PlaceSchema,
  web_snapshot: v.optional(v.nullable(WebSnapshotSchema)),
});

export type Place = v.InferOutput<typeof PlaceSchema>;
export type PipelineRecord = v.InferOutput<typeof PipelineRecordSchema>;
