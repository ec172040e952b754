// The snapshot tree as an SVG graph: parents above children, one column slot per leaf in depth-first
// order, each parent centred over its first and last child, depth as the row.
import { s, when } from './dom.js';

const SLOT_WIDTH = 132;
const ROW_HEIGHT = 100;
const MARGIN = 28;
const RADIUS = 13;
const LABEL_CHARS = 16;
const NAME_BELOW = RADIUS + 21;
const CURRENT_BELOW = RADIUS + 35;

/**
 * Places snapshots (oldest first, each with its `parent`) on a grid: { nodes: Map name -> {snapshot, slot,
 * depth}, slots, depths }. Children keep the order of the list; a snapshot whose parent is not in the list
 * is a root. Iterative, so a chain of thousands of snapshots does not exhaust the stack.
 */
export function layoutTree(snapshots) {
  const children = new Map(snapshots.map(snapshot => [snapshot.name, []]));
  const roots = [];
  for (const snapshot of snapshots) {
    if (snapshot.parent && children.has(snapshot.parent)) {
      children.get(snapshot.parent).push(snapshot);
    } else {
      roots.push(snapshot);
    }
  }
  const nodes = new Map();
  let slots = 0;
  let depths = 0;
  const stack = roots.slice().reverse().map(snapshot => ({ snapshot, depth: 0, expanded: false }));
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const below = children.get(top.snapshot.name);
    if (!top.expanded) {
      top.expanded = true;
      for (let i = below.length - 1; i >= 0; i--) {
        stack.push({ snapshot: below[i], depth: top.depth + 1, expanded: false });
      }
      continue;
    }
    stack.pop();
    const slot = below.length === 0 ? slots++
      : (nodes.get(below[0].name).slot + nodes.get(below[below.length - 1].name).slot) / 2;
    nodes.set(top.snapshot.name, { snapshot: top.snapshot, slot, depth: top.depth });
    depths = Math.max(depths, top.depth + 1);
  }
  return { nodes, slots, depths };
}

/** The SVG drawing of the tree; `onSelect(name)` is called when a snapshot is clicked or chosen by key. */
export function drawTree(snapshots, { selected, onSelect }) {
  const { nodes, slots, depths } = layoutTree(snapshots);
  const width = Math.max(1, slots) * SLOT_WIDTH + 2 * MARGIN;
  const height = Math.max(1, depths) * ROW_HEIGHT + 2 * MARGIN;
  const x = node => MARGIN + node.slot * SLOT_WIDTH + SLOT_WIDTH / 2;
  const y = node => MARGIN + RADIUS + node.depth * ROW_HEIGHT;
  const edges = [];
  for (const node of nodes.values()) {
    const parent = node.snapshot.parent && nodes.get(node.snapshot.parent);
    if (parent) {
      // Edges leave a parent below its labels, so that a branch never crosses the parent's name.
      const startY = y(parent) + (parent.snapshot.current ? CURRENT_BELOW : NAME_BELOW) + 6;
      const endY = y(node) - RADIUS;
      const midY = (startY + endY) / 2;
      edges.push(s('path', {
        class: 'snap-edge', dataset: { from: parent.snapshot.name, to: node.snapshot.name },
        d: `M ${x(parent)} ${startY} C ${x(parent)} ${midY}, ${x(node)} ${midY}, ${x(node)} ${endY}`,
      }));
    }
  }
  const drawn = [...nodes.values()].map(node => drawNode(node, x(node), y(node), node.snapshot.name === selected,
    onSelect));
  return s('svg', { id: 'snapshot-tree', width, height, viewBox: `0 0 ${width} ${height}`, role: 'group',
                    'aria-label': 'snapshot tree' },
    s('g', { class: 'edges' }, edges), s('g', { class: 'nodes' }, drawn));
}

function drawNode(node, cx, cy, selected, onSelect) {
  const snapshot = node.snapshot;
  const classes = ['snap-node', snapshot.current ? 'current' : '', selected ? 'selected' : '',
    snapshot.adopted ? 'adopted' : ''].filter(Boolean).join(' ');
  const label = snapshot.name.length > LABEL_CHARS ? `${snapshot.name.slice(0, LABEL_CHARS - 1)}…` : snapshot.name;
  const tooltip = [snapshot.name + (snapshot.current ? ' (current)' : ''), when(snapshot.createdAt),
    snapshot.description].filter(Boolean).join('\n');
  const choose = () => onSelect(snapshot.name);
  return s('g', {
    class: classes, tabindex: 0, role: 'button', 'aria-pressed': selected ? 'true' : 'false',
    'aria-label': `snapshot ${snapshot.name}${snapshot.current ? ', current' : ''}`,
    transform: `translate(${cx} ${cy})`,
    dataset: { name: snapshot.name, current: String(Boolean(snapshot.current)), slot: node.slot, depth: node.depth },
    onclick: choose,
    onkeydown: event => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        choose();
      }
    },
  },
  s('title', {}, tooltip),
  // The whole box of the node (dot and labels) takes clicks, not only the painted shapes.
  s('rect', { class: 'hit', x: -SLOT_WIDTH / 2 + 6, y: -RADIUS - 6, width: SLOT_WIDTH - 12,
              height: CURRENT_BELOW + RADIUS + 12, fill: 'transparent' }),
  selected ? s('circle', { class: 'ring', r: RADIUS + 5 }) : null,
  s('circle', { class: 'dot', r: RADIUS }),
  s('text', { class: 'name', y: NAME_BELOW, 'text-anchor': 'middle' }, label),
  snapshot.current ? s('text', { class: 'current-label', y: CURRENT_BELOW, 'text-anchor': 'middle' }, 'current') : null);
}
