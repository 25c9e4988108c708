import { graphql } from 'relay-runtime';

export const HistoryQuery = graphql`
  query HistoryQuery($iccid: ICCID!) {
    me {
      simCard(iccid: $iccid) {
        ...History_simCard
      }
    }
  }
`;

// "My history", paginated both ways by Relay: forward with count/cursor,
// backward with last/before.
export const HistoryFragment = graphql`
  fragment History_simCard on SimCard
  @refetchable(queryName: "HistoryPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 10 }
    cursor: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    usageSessions(first: $count, after: $cursor, last: $last, before: $before)
      @connection(key: "History_usageSessions") {
      edges {
        node { id startedAt bytesDown }
      }
    }
  }
`;

// The history opened in the middle (a deep link to older sessions); the
// newer ones come with loadPrevious.
export const HistoryFromQuery = graphql`
  query HistoryFromQuery($iccid: ICCID!, $after: String) {
    me {
      simCard(iccid: $iccid) {
        ...History_simCard @arguments(cursor: $after)
      }
    }
  }
`;
