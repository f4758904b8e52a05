import { useMember } from '../../api/session';
import type { PageProps } from '../../router/routes';

/** Placeholder: change requests awaiting the member's review, and their own (issue 12). */
export function MyReviewsPage(_props: PageProps) {
  const member = useMember();
  return (
    <>
      <h1>My reviews</h1>
      <p>Change requests waiting for {member.name}, and the ones they asked for, will be listed here.</p>
    </>
  );
}
