/** The colour family of a span kind: one of the --kind-* CSS variables (llm, tool, retrieval, chain, other). */
export function kindFamily(kind: string | null | undefined): 'llm' | 'tool' | 'retrieval' | 'chain' | 'other' {
  const k = (kind ?? '').toLowerCase();
  if (k === 'llm' || k === 'chat' || k === 'completion' || k === 'generation') return 'llm';
  if (k === 'tool' || k === 'function') return 'tool';
  if (k === 'retrieval' || k === 'retriever' || k === 'embedding' || k === 'rerank' || k === 'reranker')
    return 'retrieval';
  if (k === 'chain' || k === 'agent' || k === 'workflow' || k === 'task') return 'chain';
  return 'other';
}
