import { type CfnElement, Names } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * A construct that groups a stack's resources by what they do (the HTTP API, the timers, the
 * alarms, …) without taking part in their logical IDs: a resource gets the logical ID it would
 * have as a direct child of the stack, provided the stack allocates IDs with
 * `logicalIdWithoutGroups`. The stateless stack was one flat file when it was first deployed;
 * its functions, roles, schedule group, configuration set and email identity have fixed names, so
 * a new logical ID would make CloudFormation create a second resource under the same name before
 * deleting the first, and fail. Grouping therefore changes the construct tree only.
 */
export class Group extends Construct {}

/**
 * The logical ID CDK would allocate (`Names.uniqueId`, the stack's default algorithm) for the
 * element's path below its stack with every Group left out. Two resources that would collide
 * make the synth fail ("already contains"), so a group cannot hide a clash.
 */
export function logicalIdWithoutGroups(element: CfnElement): string {
  const scopes = element.node.scopes;
  const path = scopes
    .slice(scopes.indexOf(element.stack) + 1)
    .filter((scope) => !(scope instanceof Group))
    .map((scope) => scope.node.id);
  // Names.uniqueId hashes the ids of a construct's path below the root: rebuild that path alone.
  let mirror = new Construct(undefined as unknown as Construct, '');
  for (const id of path) mirror = new Construct(mirror, id);
  return Names.uniqueId(mirror);
}
